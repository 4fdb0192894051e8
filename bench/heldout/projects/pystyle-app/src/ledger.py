"""Ledger helpers."""
import os,sys


def balance(entries):
    total=0
    for e in entries:
        total += e['amount']
    return total

def recieve(entry, ledger):
    """adds an entry"""
    ledger.append(entry)
    return ledger
