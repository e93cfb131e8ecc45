"""Usage: html_tables.py REPORT.html
Parses an HTML page with html.parser and prints, as JSON, every table that has an id
({"id": {"header": [...], "rows": [[cell text...]]}}), the ids of its sections, and the tag names
found inside those sections (so a test can see that no URL became markup)."""
import html.parser
import json
import sys


class Walk(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.sections, self.section_tags = {}, [], set()
        self.table = self.row = self.text = None
        self.in_head = False
        self.depth = 0  # inside a <section>

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == 'section':
            self.depth += 1
            if attrs.get('id'):
                self.sections.append(attrs['id'])
        elif self.depth:
            self.section_tags.add(tag)
        if tag == 'table' and attrs.get('id'):
            self.table = self.tables.setdefault(attrs['id'], {'header': [], 'rows': []})
        elif self.table is not None:
            if tag == 'thead':
                self.in_head = True
            elif tag == 'tr':
                self.row = []
            elif tag in ('td', 'th'):
                self.text = ''

    def handle_endtag(self, tag):
        if tag == 'section':
            self.depth -= 1
        if self.table is None:
            return
        if tag in ('td', 'th'):
            self.row.append(self.text)
            self.text = None
        elif tag == 'tr':
            (self.table['header'].extend if self.in_head else self.table['rows'].append)(self.row)
        elif tag == 'thead':
            self.in_head = False
        elif tag == 'table':
            self.table = None

    def handle_data(self, data):
        if self.text is not None:
            self.text += data


w = Walk()
w.feed(open(sys.argv[1], encoding='utf-8').read())
print(json.dumps({'tables': w.tables, 'sections': w.sections,
                  'section_tags': sorted(w.section_tags)}))
