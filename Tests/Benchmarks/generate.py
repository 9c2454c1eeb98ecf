#!/usr/bin/env python3
"""Deterministic, seeded generator of an Algoreg register of N systems, for the benchmarks.

    python3 Tests/Benchmarks/generate.py --systems 1000 --seed 1 --out /dev/shm/algoreg-bench/n1000

writes, under --out:

    registry/                 an Algoreg register that validates with no errors
      register.yaml           Registry/register.yaml's structure, 30 departments, languages en + nl
      schema.yaml             Registry/schema.yaml, copied as is
      systems/<id>.md         one entry per system (front matter + Markdown body)
      systems/<id>.nl.md      a Dutch translation for 20% of the systems (x-translatable fields + body)
    hugo/                     a Hugo site: Tests/Benchmarks/hugo/ (config + layouts) copied, plus
      content/systems/<id>.md the same entry files, byte for byte (translations are left out:
                              Hugo cannot merge a translation's fields with the entry's shared ones)
      data/departments.yaml   department id -> English name, for the Hugo layouts
    markdown-all.md           every Markdown text Algoreg renders (bodies and x-markdown fields of
                              entries and translations), once each, in one stream: for cmark-gfm
    manifest.json             counts and sizes

Sizes per system: short description ~120 characters, body 2-5 KB of Markdown with headings,
lists and a table, 2-4 datasets, a filled bias assessment, oversight and risk sections.
Every system has its own random.Random seeded with "<seed>:<index>", so the same seed gives the
same bytes, and system i is the same whatever N is.
"""
import argparse
import json
import os
import random
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

EN_WORDS = """
residents city service data model review team public decision support request application
permit report traffic parking waste water street district neighbourhood camera sensor route
risk score check officer caseworker staff system process result information record quality
people household benefit income housing school youth health care safety emergency response
planning maintenance road bridge bicycle bus tram station energy building noise air climate
tree park library tax invoice payment complaint question answer form letter phone website
week month year quarter number share group age language access training accuracy error
measure control sample threshold rule outcome advice priority schedule capacity delay cost
""".split()
EN_WORDS = list(dict.fromkeys(EN_WORDS))
EN_VERBS = """
checks reviews predicts suggests sorts counts measures compares plans routes flags explains
summarises detects estimates publishes records shares stores deletes improves monitors tests
""".split()
EN_LINKS = ["and", "with", "for", "in", "by", "from", "to", "about", "after", "before", "when"]

NL_WORDS = """
inwoners stad dienst gegevens model controle team openbaar besluit ondersteuning aanvraag
vergunning rapport verkeer parkeren afval water straat wijk buurt camera sensor route risico
score medewerker consulent proces resultaat informatie kwaliteit mensen huishouden uitkering
inkomen wonen school jeugd zorg veiligheid hulpdienst planning onderhoud weg brug fiets bus
tram station energie gebouw geluid lucht klimaat boom park bibliotheek belasting betaling klacht
vraag antwoord formulier brief telefoon website week maand jaar kwartaal aantal groep leeftijd
taal toegang opleiding nauwkeurigheid fout maatregel steekproef drempel regel uitkomst advies
""".split()
NL_WORDS = list(dict.fromkeys(NL_WORDS))
NL_VERBS = """
controleert beoordeelt voorspelt stelt voor sorteert telt meet vergelijkt plant markeert legt uit
vat samen ontdekt schat publiceert bewaart deelt verwijdert verbetert volgt toetst
""".split()
NL_LINKS = ["en", "met", "voor", "in", "door", "van", "naar", "over", "na", "voor", "als"]

DEPARTMENT_WORDS = [
    ("mobility", "Mobility and Public Space", "Mobiliteit en Openbare Ruimte"),
    ("social-services", "Social Services and Income Support", "Sociaal Domein en Inkomen"),
    ("safety", "Public Safety and Emergency Services", "Openbare Orde en Veiligheid"),
    ("water", "Water and Sewerage", "Water en Riolering"),
    ("public-works", "Public Works and Engineering", "Ingenieursbureau en Beheer"),
    ("city-services", "City Services and Customer Contact", "Dienstverlening en Klantcontact"),
    ("permits", "Permits and Enforcement", "Vergunningen en Handhaving"),
    ("waste", "Waste and Recycling", "Afval en Grondstoffen"),
    ("housing", "Housing", "Wonen"),
    ("digital", "Digital Services and Information", "Digitale Dienstverlening"),
    ("health", "Public Health", "Publieke Gezondheid"),
    ("education", "Education and Youth", "Onderwijs en Jeugd"),
    ("culture", "Culture and Libraries", "Cultuur en Bibliotheken"),
    ("sports", "Sports and Recreation", "Sport en Recreatie"),
    ("economy", "Economy and Work", "Economie en Werk"),
    ("finance", "Finance and Taxes", "Financien en Belastingen"),
    ("planning", "Spatial Planning", "Ruimtelijke Ordening"),
    ("environment", "Environment and Climate", "Milieu en Klimaat"),
    ("energy", "Energy Transition", "Energietransitie"),
    ("parks", "Parks and Green Space", "Parken en Groen"),
    ("transport", "Public Transport", "Openbaar Vervoer"),
    ("hr", "Human Resources", "Personeel en Organisatie"),
    ("legal", "Legal Affairs", "Juridische Zaken"),
    ("communication", "Communication", "Communicatie"),
    ("archives", "City Archives", "Stadsarchief"),
    ("elections", "Elections and Civil Affairs", "Verkiezingen en Burgerzaken"),
    ("facilities", "Facilities and Buildings", "Facilitair en Gebouwen"),
    ("procurement", "Procurement", "Inkoop"),
    ("audit", "Internal Audit", "Interne Audit"),
    ("districts", "District Offices", "Stadsdeelkantoren"),
]
assert len(DEPARTMENT_WORDS) == 30

DOMAINS = [
    "traffic and transportation", "public safety", "health and health care",
    "subsidies, benefits and allowances", "social services", "education", "environment",
    "water management", "waste management", "housing", "spatial planning", "permits and licences",
    "taxes", "public space", "culture and leisure", "economy and work", "citizen services",
    "democracy and participation", "administration and internal operations", "infrastructure", "other",
]
STATUSES = ["operational"] * 10 + ["pilot"] * 3 + ["evaluation", "development", "development",
            "planned", "design", "retired", "retired"]
RISKS = ["minimal risk"] * 5 + ["limited risk"] * 3 + ["high risk"] * 2
ALGORITHM_TYPES = ["self-learning", "rule-based", "hybrid"]
TYPES_OF_USE = ["descriptive", "diagnostic", "predictive", "prescriptive"]
PERSONAL = ["identified", "pseudonymised", "none", "none"]
PROTECTED = ["age", "gender", "country of birth", "nationality", "disability", "religion",
             "household composition", "postcode", "language"]
TRANSLATION_SHARE = 5  # one system in 5 (20%) has a Dutch translation

# Fields a translation file may hold (x-translatable in schema.yaml), in entry order.
TRANSLATABLE = ["description_short", "goal", "impact", "decision_making_process", "proportionality",
                "lawful_basis", "methods_and_models", "performance", "human_oversight", "monitoring",
                "objection_procedure", "retirement_reason"]


class Text:
    """Sentences, paragraphs and Markdown blocks from one language's vocabulary."""

    def __init__(self, rng, words, verbs, links):
        self.rng, self.words, self.verbs, self.links = rng, words, verbs, links

    def phrase(self, count):
        return " ".join(self.rng.choices(self.words, k=count))

    def sentence(self, inline=True):
        rng = self.rng
        parts = [self.phrase(rng.randint(1, 3)), rng.choice(self.verbs), self.phrase(rng.randint(2, 4)),
                 rng.choice(self.links), self.phrase(rng.randint(2, 5))]
        if inline and rng.random() < 0.25:
            style = rng.randrange(4)
            word = rng.choice(self.words)
            parts.append(["**%s**" % word, "*%s*" % word, "`%s`" % word,
                          "[%s](https://city.example/%s)" % (word, word)][style])
        text = " ".join(parts)
        return text[0].upper() + text[1:] + "."

    def wrap(self, text, indent=""):
        """Wraps at ~95 columns, like the hand-written entries."""
        lines, line = [], ""
        for word in text.split(" "):
            if line and len(line) + 1 + len(word) > 95:
                lines.append(indent + line)
                line = word
            else:
                line = line + " " + word if line else word
        lines.append(indent + line)
        return "\n".join(lines)

    def paragraph(self, sentences):
        return self.wrap(" ".join(self.sentence() for _ in range(sentences)))

    def bullets(self, items, ordered=False):
        out = []
        for number in range(1, items + 1):
            marker = "%d. " % number if ordered else "- "
            out.append(marker + self.wrap(self.sentence(), " " * len(marker)).lstrip())
        return "\n".join(out)

    def table(self, rows, columns):
        head = [self.phrase(2).capitalize() for _ in range(columns)]
        out = ["| " + " | ".join(head) + " |", "|" + "---|" * columns]
        for _ in range(rows):
            cells = [self.phrase(self.rng.randint(2, 5)).capitalize()] + \
                    ["%d.%02d" % (self.rng.randint(0, 9), self.rng.randint(0, 99)) for _ in range(columns - 1)]
            out.append("| " + " | ".join(cells) + " |")
        return "\n".join(out)

    def body(self, target_bytes):
        """A long description: paragraphs, headings, lists and a table, about target_bytes long."""
        rng = self.rng
        blocks = [self.paragraph(rng.randint(3, 5)), self.paragraph(rng.randint(2, 4))]
        blocks += ["## " + self.phrase(3).capitalize(), self.paragraph(3), self.bullets(rng.randint(3, 6))]
        blocks += ["## " + self.phrase(2).capitalize(), self.paragraph(2), self.table(rng.randint(3, 6), rng.randint(2, 3))]
        size = sum(len(block) + 2 for block in blocks)
        while size < target_bytes:
            kind = rng.random()
            if kind < 0.15:
                block = "## " + self.phrase(rng.randint(2, 4)).capitalize()
            elif kind < 0.3:
                block = self.bullets(rng.randint(2, 5), ordered=rng.random() < 0.4)
            else:
                block = self.paragraph(rng.randint(2, 5))
            blocks.append(block)
            size += len(block) + 2
        return "\n\n".join(blocks) + "\n"

    def short(self):
        """~120 characters, one sentence, no Markdown (a plain YAML scalar)."""
        text = self.sentence(inline=False)
        while len(text) < 110:
            text = text[:-1] + " " + self.phrase(1) + "."
        return text[:140].rstrip(" .") + "."


def block(key, text, indent="", marker="|"):
    """A YAML literal block scalar."""
    lines = text.rstrip("\n").split("\n")
    return "%s%s: %s\n" % (indent, key, marker) + "".join(
        (indent + "  " + line if line else "") + "\n" for line in lines)


def date(rng, first_year, last_year):
    return "%04d-%02d-%02d" % (rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def system(seed, index):
    """One system: (id, entry text, translation text or None, Markdown texts rendered)."""
    rng = random.Random("%s:%d" % (seed, index))
    en = Text(rng, EN_WORDS, EN_VERBS, EN_LINKS)
    dept, dept_en, _ = DEPARTMENT_WORDS[rng.randrange(len(DEPARTMENT_WORDS))]
    words = rng.sample(EN_WORDS, 3)
    ident = "%s-%s-%05d" % (words[0], words[1], index)
    name = "%s %s %s %d" % (words[0].capitalize(), words[1], words[2], index)
    status = rng.choice(STATUSES)
    risk = rng.choice(RISKS)
    in_house = rng.random() < 0.6
    markdown = []  # every Markdown text of this system, for the cmark-gfm floor

    def md(key, text, indent=""):
        markdown.append(text)
        return block(key, text, indent)

    out = ["---\n", "name: %s\n" % name, "description_short: %s\n" % en.short(), "status: %s\n" % status,
           "department: %s\n" % dept, "organization_unit: %s, %s team\n" % (dept_en, en.phrase(2)),
           "owner: Director of %s\n" % dept_en, "contact_email: %s@city.example\n" % dept,
           "contact_name: %s team\n" % en.phrase(2).capitalize(),
           'owner_direct_phone: "+31 40 555 %04d"\n' % rng.randint(0, 9999),
           "developed_in_house: %s\n" % ("true" if in_house else "false")]
    if not in_house:
        out.append("vendor: %s Systems B.V.\n" % en.phrase(1).capitalize())
    out += ["area: %s\n" % rng.choice(["Whole city", "City centre", "North district", "Harbour area"]),
            "domain: %s\n" % rng.choice(DOMAINS),
            "website: https://city.example/%s\n" % ident,
            "keywords: [%s]\n" % ", ".join(rng.sample(EN_WORDS, rng.randint(3, 6)))]
    out.append(md("goal", en.paragraph(rng.randint(1, 2))))
    out.append(md("impact", en.paragraph(rng.randint(1, 3))))
    out.append(md("decision_making_process", en.bullets(rng.randint(3, 5), ordered=True)))
    out.append(md("proportionality", en.paragraph(rng.randint(1, 2))))
    out.append(md("lawful_basis", en.paragraph(rng.randint(1, 2))))
    out.append("lawful_basis_links:\n")
    for _ in range(rng.randint(1, 3)):
        out.append("  - title: %s Act\n    link: https://laws.example/%s\n" % (en.phrase(2).capitalize(), rng.randint(1000, 99999)))
    out.append("datasets:\n")
    personal_data = False
    for _ in range(rng.randint(2, 4)):
        personal = rng.choice(PERSONAL)
        personal_data |= personal != "none"
        description = en.wrap(" ".join(en.sentence() for _ in range(rng.randint(1, 3))))
        markdown.append(description)
        out.append("  - name: %s\n" % en.phrase(3).capitalize())
        out.append(block("description", description, "    "))
        out.append("    source: %s, %s register\n    personal_data: %s\n" % (dept_en, en.phrase(1), personal))
        if rng.random() < 0.5:
            out.append("    link: https://data.city.example/%s\n" % en.phrase(1))
    out += ["algorithm_type: %s\n" % rng.choice(ALGORITHM_TYPES), "type_of_use: %s\n" % rng.choice(TYPES_OF_USE)]
    out.append(md("methods_and_models", en.paragraph(rng.randint(1, 3))))
    out.append(md("performance", en.paragraph(rng.randint(1, 2))))
    if rng.random() < 0.5:
        out.append("codebase_url: https://code.city.example/%s\n" % ident)
    out.append("bias_assessment:\n")
    out.append(md("method", en.paragraph(rng.randint(1, 2)), "  "))
    out.append("  date: %s\n" % date(rng, 2019, 2025))
    out.append(md("findings", en.paragraph(rng.randint(1, 2)), "  "))
    out.append("  protected_attributes: [%s]\n" % ", ".join(rng.sample(PROTECTED, rng.randint(2, 5))))
    out.append(md("mitigations", en.paragraph(rng.randint(1, 2)), "  "))
    out.append(md("human_oversight", en.bullets(rng.randint(2, 4))))
    out.append(md("monitoring", en.paragraph(rng.randint(1, 2))))
    out.append("risk_category: %s\nrisks:\n" % risk)
    for _ in range(rng.randint(2, 4)):
        risk_text, mitigation = en.sentence(inline=False), en.sentence(inline=False)
        markdown += [risk_text, mitigation]
        out.append("  - risk: %s\n    mitigation: %s\n" % (risk_text, mitigation))
    assessments = []
    if personal_data:
        assessments.append("DPIA")
    if risk == "high risk":
        assessments.append("FRIA")
    if assessments:
        out.append("impact_assessments:\n")
        for kind in assessments:
            out.append("  - type: %s\n    title: %s %s\n    date: %s\n    link: https://city.example/privacy/%s-%s.pdf\n"
                       % (kind, kind, name, date(rng, 2019, 2025), kind.lower(), ident))
    out.append(md("objection_procedure", en.paragraph(rng.randint(1, 2)) + "\n[How to object](https://city.example/objection)."))
    published = date(rng, 2019, 2023)
    out += ['first_used: "%s"\n' % published[:7], "publication_date: %s\n" % published,
            "last_change_date: %s\n" % date(rng, 2024, 2025), "revision_date: %s\n" % date(rng, 2031, 2035)]
    if status == "retired":
        out.append("retirement_date: %s\n" % date(rng, 2024, 2025))
        out.append(md("retirement_reason", en.paragraph(rng.randint(1, 2))))
    out.append(block("internal_notes", en.paragraph(1)))
    body = en.body(rng.randint(2000, 5000))
    markdown.append(body)
    out += ["---\n", body]
    entry = "".join(out)

    translation = None
    if index % TRANSLATION_SHARE == 0:
        nl = Text(rng, NL_WORDS, NL_VERBS, NL_LINKS)
        out = ["---\n", "description_short: %s\n" % nl.short()]
        for key in TRANSLATABLE[1:]:
            if key == "retirement_reason" and status != "retired":
                continue
            if key in ("decision_making_process", "human_oversight"):
                text = nl.bullets(rng.randint(2, 4), ordered=key == "decision_making_process")
            else:
                text = nl.paragraph(rng.randint(1, 2))
            out.append(md(key, text))
        body = nl.body(rng.randint(2000, 5000))
        markdown.append(body)
        out += ["---\n", body]
        translation = "".join(out)
    return ident, entry, translation, markdown


def settings():
    out = ["# Benchmark register, written by Tests/Benchmarks/generate.py.\n",
           "organization:\n  en: City of Benchmark\n  nl: Gemeente Benchmark\n",
           "base_url: https://algorithms.city.example\n", "languages: [en, nl]\n",
           "contact:\n  email: algorithms@city.example\n  feedback_url: https://city.example/feedback\n",
           "departments:\n"]
    for ident, english, dutch in DEPARTMENT_WORDS:
        out.append("  %s:\n    name:\n      en: %s\n      nl: %s\n    email: %s@city.example\n" % (ident, english, dutch, ident))
    out.append("max_file_size: 1MB\n")
    return "".join(out)


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def generate(count, seed, out, hugo=True):
    """Writes the corpus; returns the manifest."""
    if os.path.exists(out):
        shutil.rmtree(out)
    registry = os.path.join(out, "registry")
    systems = os.path.join(registry, "systems")
    os.makedirs(systems)
    write(os.path.join(registry, "register.yaml"), settings())
    shutil.copyfile(os.path.join(REPO, "Registry", "schema.yaml"), os.path.join(registry, "schema.yaml"))
    hugo_content = os.path.join(out, "hugo", "content", "systems")
    if hugo:
        shutil.copytree(os.path.join(HERE, "hugo"), os.path.join(out, "hugo"))
        os.makedirs(hugo_content)
        os.makedirs(os.path.join(out, "hugo", "data"), exist_ok=True)
        write(os.path.join(out, "hugo", "data", "departments.yaml"),
              "".join("%s: %s\n" % (ident, english) for ident, english, _ in DEPARTMENT_WORDS))
    manifest = {"systems": count, "seed": seed, "translations": 0, "entry_bytes": 0,
                "translation_bytes": 0, "front_matter_bytes": 0, "markdown_bytes": 0,
                "hugo": hugo, "hugo_translations": "left out (Hugo would not merge a translation's fields with the entry's shared fields)"}
    with open(os.path.join(out, "markdown-all.md"), "w", encoding="utf-8", newline="\n") as stream:
        for index in range(1, count + 1):
            ident, entry, translation, markdown = system(seed, index)
            write(os.path.join(systems, ident + ".md"), entry)
            if hugo:
                write(os.path.join(hugo_content, ident + ".md"), entry)
            manifest["entry_bytes"] += len(entry.encode())
            manifest["front_matter_bytes"] += len(entry.split("\n---\n", 1)[0].encode())
            if translation is not None:
                write(os.path.join(systems, ident + ".nl.md"), translation)
                manifest["translations"] += 1
                manifest["translation_bytes"] += len(translation.encode())
                manifest["front_matter_bytes"] += len(translation.split("\n---\n", 1)[0].encode())
            for text in markdown:
                data = text + "\n\n"
                stream.write(data)
                manifest["markdown_bytes"] += len(data.encode())
    write(os.path.join(out, "manifest.json"), json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--systems", type=int, default=1000)
    parser.add_argument("--seed", default="1")
    parser.add_argument("--out", required=True)
    parser.add_argument("--no-hugo", action="store_true", help="do not write the Hugo site")
    args = parser.parse_args()
    manifest = generate(args.systems, args.seed, args.out, hugo=not args.no_hugo)
    json.dump(manifest, sys.stdout, indent=2, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
