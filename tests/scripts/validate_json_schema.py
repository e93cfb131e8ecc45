# validate_json_schema.py DOC SCHEMA: prints {"errors": [...first 20...], "doc": DOC}; the
# validator is the one the schema's own $schema (draft) names.
import json, sys
import jsonschema
schema = json.load(open(sys.argv[2], encoding='utf-8'))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
doc = json.load(open(sys.argv[1], encoding='utf-8'))
errors = ['%s: %s' % ('/'.join(map(str, e.absolute_path)), e.message)
          for e in cls(schema).iter_errors(doc)]
print(json.dumps({'errors': errors[:20], 'doc': doc}))
