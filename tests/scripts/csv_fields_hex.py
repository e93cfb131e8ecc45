"""Reads CSV on stdin with Python's csv module (strict) and prints the rows as a JSON list of
lists, every field hex-encoded so the exact bytes survive whatever they were."""
import csv, io, json, sys
text = sys.stdin.buffer.read().decode('utf-8', 'surrogateescape')
rows = list(csv.reader(io.StringIO(text, newline=''), strict=True))
print(json.dumps([[f.encode('utf-8', 'surrogateescape').hex() for f in r] for r in rows]))
