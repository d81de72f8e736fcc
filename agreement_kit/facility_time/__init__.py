"""The `facility-time` command: a spec's facility time costed from the dated
pay data (hours, whole-time equivalents and annual cost per released role,
the pool, totals, what a pay-bill percentage buys), and, from a roster of
the representatives who held office in a period, the four tables of the
former 2017 publication Regulations as a voluntary report, with checks that
catch the errors seen in published returns; written as Markdown, HTML and
Word. The costing itself lives in assembly/facility_cost.py, which the
recognition agreement's schedule shares.
"""
