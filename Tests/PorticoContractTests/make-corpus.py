#!/usr/bin/env python3
"""Writes the contract-diff corpus: one file per mapping change, with the mappings before and
after and the verdicts `portico contract check` must give. Run it after changing a case here;
the files are committed. Expectations are substrings of `breaking: …` / `compatible: …` lines,
and a case's breaking lines must all be expected."""
import os

BASE = {
"widgets.yaml": """description: Widgets of the merchant.
scope: widgets:read
table: widgets
key: widget_id
tenant: {column: acct_id}
id: {column: widget_id, prefix: WID-, pad: 6}
fields:
  name: {column: name, type: string, description: The widget's name., example: Sprocket}
  size: {column: size_mm, type: integer}
  price: {column: price_cents, type: decimal, scale: 2}
  state:
    column: state_cd
    type: enum
    codes: {1: active, 2: retired}
    unknown: unknown
  made_at: {column: made, type: datetime}
  color: {column: color, type: string, nullable: true}
  dims:
    type: object
    fields:
      width: {column: width_mm, type: integer}
      height: {column: height_mm, type: integer}
  maker:
    embed: makers
    on: {maker_id: maker_id}
filters:
  state: [eq, in]
  made_at: [gte, lt]
  size: [gt]
sort: [made_at, size]
page: {default: 50, max: 200}
keyset: [widget_id]
""",
"makers.yaml": """description: Who makes widgets.
scope: makers:read
table: makers
key: maker_id
tenant: {column: acct_id}
id: {column: maker_id, prefix: MKR-, pad: 4}
fields:
  name: {column: name, type: string}
""",
}

def change(**edits):
    """Files after: BASE with text replacements per file; None removes a file, a new name adds one."""
    after = dict(BASE)
    for name, edit in edits.items():
        name = name.replace("__", ".")
        if edit is None:
            after.pop(name)
        elif isinstance(edit, str):
            after[name] = edit
        else:
            text = after[name]
            for old, new in edit:
                assert old in text, (name, old)
                text = text.replace(old, new)
            after[name] = text
    return after

W = "widgets__yaml"
CASES = [
 ("removed-field", change(**{W: [("  color: {column: color, type: string, nullable: true}\n", "")]}),
  ["breaking: $.components.schemas.widgets.properties.color: removed response field", "accepted value 'color' removed from a parameter"]),
 ("renamed-field", change(**{W: [("  color: {column", "  colour: {column")]}),
  ["breaking: $.components.schemas.widgets.properties.color: renamed field 'color' to 'colour'", "accepted value 'color' removed from a parameter"]),
 ("changed-type", change(**{W: [("name: {column: name, type: string,", "name: {column: name, type: integer,")]}),
  ["breaking: $.components.schemas.widgets.properties.name: changed type from string to integer"]),
 ("changed-format", change(**{W: [("made_at: {column: made, type: datetime}", "made_at: {column: made, type: date}")]}),
  ["breaking: $.components.schemas.widgets.properties.made_at: changed format from date-time to date"]),
 ("nullable-added", change(**{W: [("name: {column: name, type: string,", "name: {column: name, type: string, nullable: true,")]}),
  ["breaking: $.components.schemas.widgets.properties.name: nullable added to a response field"]),
 ("nullable-removed", change(**{W: [("color: {column: color, type: string, nullable: true}", "color: {column: color, type: string}")]}),
  ["compatible: $.components.schemas.widgets.properties.color: no longer nullable"]),
 ("response-enum-added", change(**{W: [("codes: {1: active, 2: retired}", "codes: {1: active, 2: retired, 3: recalled}")]}),
  ["breaking: $.components.schemas.widgets.properties.state: enum value 'recalled' added to a response",
   "compatible: $.paths['/api/v1/widgets'].get.parameters[state]: accepted value 'recalled' now accepted"]),
 ("response-enum-removed", change(**{W: [("codes: {1: active, 2: retired}", "codes: {1: active}")]}),
  ["compatible: $.components.schemas.widgets.properties.state: enum value 'retired' no longer sent",
   "breaking: $.paths['/api/v1/widgets'].get.parameters[state]: accepted value 'retired' removed from a parameter"]),
 ("parameter-operator-removed", change(**{W: [("state: [eq, in]", "state: [eq]")]}),
  ["breaking: $.paths['/api/v1/widgets'].get.parameters[state]: operator 'in' removed from a parameter"]),
 ("parameter-operator-added", change(**{W: [("size: [gt]", "size: [gt, lt]")]}),
  ["compatible: $.paths['/api/v1/widgets'].get.parameters[size]: operator 'lt' now accepted"]),
 ("filter-removed", change(**{W: [("  size: [gt]\n", "")]}),
  ["breaking: $.paths['/api/v1/widgets'].get.parameters[size]: removed parameter"]),
 ("filter-added", change(**{W: [("  size: [gt]\n", "  size: [gt]\n  color: [eq]\n")]}),
  ["compatible: $.paths['/api/v1/widgets'].get.parameters[color]: new optional parameter"]),
 ("sort-value-removed", change(**{W: [("sort: [made_at, size]", "sort: [made_at]")]}),
  ["breaking: $.paths['/api/v1/widgets'].get.parameters[sort]: enum value 'size' removed from a parameter",
   "breaking: $.paths['/api/v1/widgets'].get.parameters[sort]: enum value '-size' removed from a parameter"]),
 ("sort-value-added", change(**{W: [("sort: [made_at, size]", "sort: [made_at, size, name]")]}),
  ["compatible: $.paths['/api/v1/widgets'].get.parameters[sort]: enum value 'name' now accepted"]),
 ("sort-removed", change(**{W: [("sort: [made_at, size]\n", "")]}),
  ["breaking: $.paths['/api/v1/widgets'].get.parameters[sort]: removed parameter"]),
 ("page-max-narrowed", change(**{W: [("max: 200", "max: 100")]}),
  ["breaking: $.paths['/api/v1/widgets'].get.parameters[limit]: maximum narrowed from 200 to 100"]),
 ("page-max-widened", change(**{W: [("max: 200", "max: 500")]}),
  ["compatible: $.paths['/api/v1/widgets'].get.parameters[limit]: maximum widened from 200 to 500"]),
 ("new-optional-field", change(**{W: [("  color: {column", "  weight: {column: weight_g, type: integer, nullable: true}\n  color: {column")]}),
  ["compatible: $.components.schemas.widgets.properties.weight: new optional field"]),
 ("new-endpoint", change(**{"gadgets__yaml": BASE["makers.yaml"].replace("makers", "gadgets").replace("maker_id", "gadget_id").replace("MKR-", "GDG-")}),
  ["compatible: $.paths['/api/v1/gadgets']: new endpoint", "compatible: $.paths['/api/v1/gadgets/{id}']: new endpoint"]),
 ("removed-endpoint", change(**{W: [("  maker:\n    embed: makers\n    on: {maker_id: maker_id}\n", "")], "makers__yaml": None}),
  ["breaking: $.paths['/api/v1/makers']: removed path", "breaking: $.paths['/api/v1/makers/{id}']: removed path",
   "breaking: $.components.schemas.makers: removed schema", "breaking: $.components.schemas.makers_page: removed schema", "breaking: $.components.schemas.widgets.properties.maker: removed response field",
   "breaking: $.paths['/api/v1/widgets'].get.parameters[fields]: accepted value 'maker' removed",
   "breaking: $.paths['/api/v1/widgets/{id}'].get.parameters[fields]: accepted value 'maker' removed"]),
 ("embed-made-optional", change(**{W: [("    on: {maker_id: maker_id}\n", "    on: {maker_id: maker_id}\n    include: optional\n")]}),
  ["compatible: $.paths['/api/v1/widgets'].get.parameters[include]: new optional parameter",
   "breaking: $.components.schemas.widgets.properties.maker: now only sent with include="]),
 ("description-changed", change(**{W: [("description: The widget's name.", "description: What the merchant calls the widget.")]}),
  ["compatible: $.components.schemas.widgets.properties.name: description changed"]),
 ("example-changed", change(**{W: [("example: Sprocket", "example: Flange")]}),
  ["compatible: $.components.schemas.widgets.properties.name: examples changed"]),
 ("resource-description-changed", change(**{W: [("description: Widgets of the merchant.", "description: Every widget the merchant sells.")]}),
  ["compatible: $.components.schemas.widgets: description changed", "compatible: $.paths['/api/v1/widgets'].get.description: description changed"]),
 ("scope-changed", change(**{W: [("scope: widgets:read", "scope: catalog:read")]}),
  ["breaking: $.paths['/api/v1/widgets'].get.security: added scope requirement 'catalog:read'",
   "breaking: $.paths['/api/v1/widgets/{id}'].get.security: added scope requirement 'catalog:read'",
   "compatible: $.paths['/api/v1/widgets'].get.security: scope 'widgets:read' no longer required"]),
 ("nested-field-removed", change(**{W: [("      height: {column: height_mm, type: integer}\n", "")]}),
  ["breaking: $.components.schemas.widgets.properties.dims.properties.height: removed response field"]),
 ("nested-field-added", change(**{W: [("      height: {column: height_mm, type: integer}\n", "      height: {column: height_mm, type: integer}\n      depth: {column: depth_mm, type: integer}\n")]}),
  ["compatible: $.components.schemas.widgets.properties.dims.properties.depth: new optional field"]),
 ("field-deprecated", change(**{W: [("size: {column: size_mm, type: integer}", "size: {column: size_mm, type: integer, deprecated: true}")]}),
  ["compatible: $.components.schemas.widgets.properties.size: deprecated"]),
 ("resource-deprecated", change(**{W: [("page: {default: 50, max: 200}", "page: {default: 50, max: 200}\ndeprecated: true\nsunset: 2027-01-31")]}),
  ["compatible: $.paths['/api/v1/widgets'].get: deprecated", "compatible: $.components.schemas.widgets: deprecated"]),
 ("id-prefix-changed", change(**{W: [("prefix: WID-, pad: 6", "prefix: W-, pad: 6")]}),
  ["breaking: $.components.schemas.widgets.properties.id: changed pattern"]),
 ("to-one-embed-to-many", change(**{W: [("    embed: makers\n", "    embed: makers\n    many: true\n")]}),
  ["breaking: $.components.schemas.widgets.properties.maker: changed type from ref:#/components/schemas/makers to array"]),
 ("sync-added", change(**{W: [("keyset: [widget_id]", "keyset: [made, widget_id]\nsync: made")]}),
  ["compatible: $.paths['/api/v1/widgets'].get.parameters[updated_since]: new optional parameter"]),
 ("field-type-decimal-to-number", change(**{W: [("price: {column: price_cents, type: decimal, scale: 2}", "price: {column: price_cents, type: number}")]}),
  ["breaking: $.components.schemas.widgets.properties.price: changed type from string to number"]),
 ("unchanged", change(), []),
 ("field-lower-cased", change(**{W: [("example: Sprocket}", "example: sprocket, transform: [lower]}")]}),
  ["compatible: $.components.schemas.widgets.properties.name: examples changed",
   "compatible: $.components.schemas.widgets.properties.name: pattern ^[^A-Z]*$ now stated"]),
 ("time-to-epoch-seconds", change(**{W: [("made_at: {column: made, type: datetime}", "made_at: {column: made, type: datetime, time: epoch_seconds}")]}),
  ["breaking: $.components.schemas.widgets.properties.made_at: changed type from string to integer"]),
 ("id-to-base36", change(**{W: [("prefix: WID-, pad: 6", "prefix: WID-, pad: 6, encoding: base36")]}),
  ["breaking: $.components.schemas.widgets.properties.id: changed pattern"]),
]

def section(files):
    return "".join(f"# file: {name}\n{text}" for name, text in sorted(files.items()))

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "Corpus")
os.makedirs(here, exist_ok=True)
for old in os.listdir(here):
    os.remove(os.path.join(here, old))
for number, (name, after, expected) in enumerate(CASES, 1):
    with open(os.path.join(here, f"{number:02d}-{name}.txt"), "w") as out:
        out.write("# before\n" + section(BASE) + "# after\n" + section(after))
        for line in expected:
            out.write(f"# expect: {line}\n")
print(f"{len(CASES)} cases")
