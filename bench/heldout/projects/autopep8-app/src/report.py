import os,sys
from collections import Counter


def count_words(path) :
    counts=Counter()
    with open(path) as handle:
        for line in handle:
            counts.update(line.split( ))
    return counts
def top(counts,n = 10):
    return counts.most_common(n)


if __name__ == "__main__":
    for word,count in top(count_words(sys.argv[1])):
        print(word,count)
