"""AUROC of a cuvee scores file at telling one domain's documents from the rest.

    /usr/bin/python3 bench/peers/selection_auroc.py SCORES POSITIVE_DOMAIN DOMAIN_DIR...

DOMAIN_DIRs are the domains the scores were computed over (the `--data` of the scoring
command). Documents are numbered as cuvee numbers them (docs/selection.md): domains in name
order, each domain's train documents, then its held-out ones. The AUROC is the probability
that a random POSITIVE_DOMAIN document scores above a random other one (ties count half).
"""
import json
import os
import sys


def main():
    scores_path, positive, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    domains = sorted((json.load(open(os.path.join(d, "manifest.json"))) for d in dirs),
                     key=lambda m: m["name"])
    labels = []
    for m in domains:
        labels += [m["name"] == positive] * (m["train"]["documents"] + m["heldout"]["documents"])
    with open(scores_path) as f:
        assert f.readline().startswith("# cuvee-scores/1 ")
        scores = [float(line.split("\t")[1]) for line in f if line.strip()]
    if len(scores) != len(labels):
        sys.exit(f"{scores_path}: {len(scores)} scores, but the domains hold {len(labels)} documents")
    # Mann-Whitney U from ranks (average ranks for ties).
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    n_pos = sum(labels)
    n_neg = len(labels) - n_pos
    rank_sum = sum(r for r, y in zip(ranks, labels) if y)
    auroc = (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    print(f"AUROC {auroc:.4f}  ({positive}: {n_pos} documents, others: {n_neg})")


if __name__ == "__main__":
    main()
