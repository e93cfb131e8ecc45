"""Usage: junit_first_failure.py REPORT.xml
Prints one line: the root tag, the first suite's tests and failures attributes, how many test
cases and failed cases it holds, and the first failure's message and the first 13 characters
of its test case name."""
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suite = root.find('testsuite')
cases = suite.findall('testcase')
fails = [c for c in cases if c.find('failure') is not None]
print(root.tag, suite.get('tests'), suite.get('failures'), len(cases), len(fails),
      fails[0].find('failure').get('message'), fails[0].get('name')[:13])
