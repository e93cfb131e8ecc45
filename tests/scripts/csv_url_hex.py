"""Usage: csv_url_hex.py FIELDS < csv
Asserts stdin is a header and one record, each of FIELDS fields, and writes the record's
second field (the URL) hex-encoded, byte for byte."""
import csv,io,sys
fields=int(sys.argv[1])
text=sys.stdin.buffer.read().decode('utf-8','surrogateescape')
rows=list(csv.reader(io.StringIO(text,newline='')))
assert len(rows)==2, rows
assert len(rows[0])==len(rows[1])==fields, rows
url=rows[1][1].encode('utf-8','surrogateescape')
sys.stdout.write(url.hex())
