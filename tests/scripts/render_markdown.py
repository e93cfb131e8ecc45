# render_markdown.py FILE: renders FILE with python3-markdown (tables) and cmark-gfm (GitHub's
# extensions) and prints, per renderer, the tags, headings, tables, paragraphs and links found.
import html.parser, json, subprocess, sys
import markdown
text = open(sys.argv[1], encoding='utf-8').read()
outputs = {
  'python': markdown.markdown(text, extensions=['tables']),
  'gfm': subprocess.run(['cmark-gfm', '-e', 'table', '-e', 'autolink', '-e', 'strikethrough',
                         '-e', 'tagfilter', '--to', 'html'], input=text, capture_output=True,
                        text=True, check=True).stdout,
}
class Walk(html.parser.HTMLParser):
  def __init__(self):
    super().__init__(convert_charrefs=True)
    self.tags, self.headings, self.tables, self.paragraphs, self.links = [], [], [], [], []
    self.text, self.row, self.in_head = None, None, False
  def handle_starttag(self, tag, attrs):
    self.tags.append(tag)
    if tag == 'a': self.links.append(dict(attrs).get('href', ''))
    if tag == 'table': self.tables.append({'header': [], 'rows': []})
    if tag == 'thead': self.in_head = True
    if tag == 'tr': self.row = []
    if tag in ('td', 'th', 'h2', 'h3', 'h4', 'p'): self.text = ''
  def handle_endtag(self, tag):
    if tag in ('td', 'th'):
      self.row.append(self.text.strip()); self.text = None
    elif tag == 'thead':
      self.in_head = False
    elif tag == 'tr':
      t = self.tables[-1]
      if self.in_head: t['header'] = self.row
      else: t['rows'].append(self.row)
    elif tag in ('h2', 'h3', 'h4'):
      self.headings.append(self.text.strip()); self.text = None
    elif tag == 'p' and self.text is not None:
      self.paragraphs.append(self.text.strip()); self.text = None
  def handle_data(self, data):
    if self.text is not None: self.text += data
w = {}
for name, out in outputs.items():
  p = Walk()
  p.feed(out)
  w[name] = {'tags': sorted(set(p.tags)), 'headings': p.headings, 'tables': p.tables,
             'paragraphs': p.paragraphs, 'links': p.links, 'html': out}
print(json.dumps(w))
