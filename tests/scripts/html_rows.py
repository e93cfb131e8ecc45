"""Usage: html_rows.py REPORT.html
Parses a fetchpool HTML report with html.parser, takes the JSON rows the page renders from (the
script element with id "fp-rows") and prints them as one JSON list of arrays."""
import html.parser
import json
import sys


class Rows(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.inside = tag == 'script' and dict(attrs).get('id') == 'fp-rows'

    def handle_endtag(self, tag):
        self.inside = False

    def handle_data(self, data):
        if self.inside:
            self.text.append(data)


p = Rows()
p.feed(open(sys.argv[1], encoding='utf-8', errors='surrogateescape').read())
rows = [r for r in json.loads(''.join(p.text)) if r]
print(json.dumps(rows))
