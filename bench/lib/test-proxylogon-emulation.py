#!/usr/bin/env python3
"""What Test-ProxyLogon.ps1 (microsoft/CSS-Exchange, Security/src) costs: a full CSV parse of every
HttpProxy log (its Import-Csv), keeping rows whose AnchorMailbox is like 'ServerInfo~*/*' or whose
BackEndCookie is like 'Server~*/*~*' (PowerShell -Like: case-insensitive). Prints the match count.
Usage: test-proxylogon-emulation.py <HttpProxy folder>"""
import csv
import fnmatch
import os
import sys


def rows(path):
    with open(path, newline='', encoding='utf-8', errors='replace') as f:
        fields = None
        for line in f:
            if line.startswith('#Fields: '):
                fields = line[9:].rstrip('\r\n').split(',')
                break
        if fields is None:
            return
        yield from csv.DictReader((l for l in f if not l.startswith('#')), fieldnames=fields)


def main():
    hits = 0
    for root, _dirs, files in os.walk(sys.argv[1]):
        for name in files:
            if not name.lower().endswith('.log'):
                continue
            for row in rows(os.path.join(root, name)):
                anchor = (row.get('AnchorMailbox') or '').lower()
                cookie = (row.get('BackEndCookie') or '').lower()
                if fnmatch.fnmatchcase(anchor, 'serverinfo~*/*') or fnmatch.fnmatchcase(cookie, 'server~*/*~*'):
                    hits += 1
    print(hits)


main()
