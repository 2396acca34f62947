"""SQL scripts whose lineage is a tree below one table: each table made by
`CREATE TABLE child AS SELECT ... FROM parent`, FANOUT children per table,
DEPTH levels, so the graph below `bench.t0` has FANOUT + FANOUT^2 + ... tables
(and a column edge per column). For the dashboard's lineage graph benchmark.

    python3 lineage_tree.py OUT.sql FANOUT DEPTH
"""

import sys


def main():
    out, fanout, depth = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    statements = []
    level = ["t0"]
    made = 0
    for _ in range(depth):
        following = []
        for parent in level:
            for _ in range(fanout):
                made += 1
                child = f"t{made}"
                statements.append(
                    f"CREATE TABLE bench.{child} AS SELECT id, customer_email, amount, "
                    f"lower(customer_email) AS email_key FROM bench.{parent};"
                )
                following.append(child)
        level = following
    with open(out, "w") as f:
        f.write("\n".join(statements) + "\n")
    print(made)


if __name__ == "__main__":
    main()
