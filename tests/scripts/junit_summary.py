"""Usage: junit_summary.py REPORT.xml
Parses a JUnit report with xml.etree and prints, as JSON, what a CI system would see: the
root's counts, the first suite's counts and properties, and every test case (name hex-encoded,
with its file and line attributes, its failure and system-out)."""
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall('testsuite')
cases = [c for s in suites for c in s.findall('testcase')]
out = {'root': root.tag, 'tests': root.get('tests'), 'failures': root.get('failures'),
       'suites': len(suites), 'suite_tests': suites[0].get('tests'),
       'suite_failures': suites[0].get('failures'),
       'properties': {p.get('name'): p.get('value') for p in suites[0].findall('properties/property')},
       'cases': []}
for c in cases:
    f = c.find('failure')
    out['cases'].append({'name': c.get('name').encode('utf-8', 'surrogatepass').hex(),
        'time': c.get('time'), 'failed': f is not None,
        'file': c.get('file'), 'line': c.get('line'),
        'message': None if f is None else f.get('message'),
        'type': None if f is None else f.get('type'),
        'system_out': None if c.find('system-out') is None else c.find('system-out').text})
print(json.dumps(out))
