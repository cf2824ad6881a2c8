"""The hand-written word tables of occupation coding; everything else comes from ESCO.

Kept small and general on purpose: each entry is a word or title any job board uses, never
a fix for one posting. Tokens are lower case, as `title.tokens` produces them.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# One token -> its canonical tokens, applied to ESCO labels and titles alike (so a rule
# here can never make a label unreachable): abbreviations, joined forms, British/American
# spellings (to the American form), and common non-English job words (ESCO here is English
# only). Foreign words are the few most frequent on German, French and Spanish boards.
CANON: dict[str, tuple[str, ...]] = {
    # abbreviations and joined forms
    "mgr": ("manager",), "mngr": ("manager",), "eng": ("engineer",), "engr": ("engineer",),
    "dev": ("developer",), "devs": ("developers",), "asst": ("assistant",),
    "rep": ("representative",), "reps": ("representatives",), "coord": ("coordinator",),
    "acct": ("account",), "dir": ("director",), "sw": ("software",),
    "swe": ("software", "engineer"), "sde": ("software", "engineer"),
    "rn": ("registered", "nurse"), "lpn": ("licensed", "practical", "nurse"),
    "lvn": ("licensed", "practical", "nurse"), "cna": ("certified", "nursing", "assistant"),
    "np": ("nurse", "practitioner"), "cpa": ("certified", "public", "accountant"),
    "ceo": ("chief", "executive", "officer"), "cfo": ("chief", "financial", "officer"),
    "coo": ("chief", "operating", "officer"), "cto": ("chief", "technology", "officer"),
    "cio": ("chief", "information", "officer"), "cmo": ("chief", "marketing", "officer"),
    "vp": ("director",), "svp": ("director",), "evp": ("director",), "avp": ("director",),
    "hr": ("human", "resources"), "ux": ("user", "experience"), "ui": ("user", "interface"),
    "qa": ("quality", "assurance"), "sre": ("site", "reliability", "engineer"),
    "ml": ("machine", "learning"), "ai": ("artificial", "intelligence"),
    "bi": ("business", "intelligence"), "seo": ("search", "engine", "optimization"),
    "it": ("ict",), "sysadmin": ("system", "administrator"),
    "hvac": ("heating", "ventilation", "air", "conditioning"),
    "cnc": ("computer", "numerical", "control"), "vet": ("veterinarian",),
    "elementary": ("primary",),
    # British spellings (ESCO) to American (job boards)
    "labourer": ("laborer",), "labourers": ("laborers",), "counsellor": ("counselor",),
    "counsellors": ("counselors",), "programme": ("program",), "organiser": ("organizer",),
    "centre": ("center",), "behaviour": ("behavior",), "behavioural": ("behavioral",),
    "paediatric": ("pediatric",), "optimisation": ("optimization",),
    "optimiser": ("optimizer",), "specialised": ("specialized",), "theatre": ("theater",),
    "jewellery": ("jewelry",), "modeller": ("modeler",), "defence": ("defense",),
    "anaesthetic": ("anesthetic",), "orthopaedic": ("orthopedic",), "tyre": ("tire",),
    "aluminium": ("aluminum",), "adviser": ("advisor",), "advisers": ("advisors",),
    "colour": ("color",), "analyse": ("analyze",), "catalogue": ("catalog",),
    "aeroplane": ("airplane",), "licence": ("license",), "practise": ("practice",),
    # German
    "elektriker": ("electrician",), "elektrikerin": ("electrician",),
    "softwareentwickler": ("software", "developer"),
    "softwareentwicklerin": ("software", "developer"), "entwickler": ("developer",),
    "entwicklerin": ("developer",), "ingenieur": ("engineer",), "ingenieurin": ("engineer",),
    "krankenpfleger": ("nurse",), "krankenschwester": ("nurse",),
    "pflegefachkraft": ("nurse",), "pflegefachfrau": ("nurse",), "pflegefachmann": ("nurse",),
    "berufskraftfahrer": ("truck", "driver"), "lkw": ("truck",), "fahrer": ("driver",),
    "verkäufer": ("shop", "assistant"), "verkäuferin": ("shop", "assistant"),
    "koch": ("cook",), "köchin": ("cook",), "kellner": ("waiter",), "kellnerin": ("waiter",),
    "buchhalter": ("bookkeeper",), "buchhalterin": ("bookkeeper",),
    "schweißer": ("welder",), "tischler": ("carpenter",), "schreiner": ("carpenter",),
    "maler": ("painter",), "reinigungskraft": ("cleaner",), "projektleiter": ("project", "manager"),
    "lehrer": ("teacher",), "lehrerin": ("teacher",), "friseur": ("hairdresser",),
    "friseurin": ("hairdresser",), "erzieher": ("educator",), "erzieherin": ("educator",),
    "mechaniker": ("mechanic",), "und": ("and",),
    # French
    "ingénieur": ("engineer",), "ingenieure": ("engineer",), "ingénieure": ("engineer",),
    "développeur": ("developer",), "developpeur": ("developer",),
    "développeuse": ("developer",), "logiciel": ("software",), "infirmier": ("nurse",),
    "infirmière": ("nurse",), "infirmiere": ("nurse",), "comptable": ("accountant",),
    "vendeur": ("shop", "assistant"), "vendeuse": ("shop", "assistant"),
    "serveur": ("waiter",), "serveuse": ("waiter",), "cuisinier": ("cook",),
    "cuisinière": ("cook",), "électricien": ("electrician",), "electricien": ("electrician",),
    "plombier": ("plumber",), "chauffeur": ("driver",), "technicien": ("technician",),
    # Spanish
    "desarrollador": ("developer",), "desarrolladora": ("developer",),
    "ingeniero": ("engineer",), "ingeniera": ("engineer",), "enfermera": ("nurse",),
    "enfermero": ("nurse",), "camarero": ("waiter",), "camarera": ("waiter",),
    "contable": ("accountant",), "contador": ("accountant",), "contadora": ("accountant",),
    "vendedor": ("shop", "assistant"), "vendedora": ("shop", "assistant"),
    "cocinero": ("cook",), "cocinera": ("cook",), "electricista": ("electrician",),
    "programador": ("programmer",), "programadora": ("programmer",),
    "técnico": ("technician",), "tecnico": ("technician",),
}  # fmt: skip

# Two-word forms written as one ("front end" and "frontend") or that ESCO words otherwise
# ("high school"); applied after CANON, to labels too.
PHRASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("front", "end"): ("frontend",),
    ("back", "end"): ("backend",),
    ("full", "stack"): ("fullstack",),
    ("high", "school"): ("secondary", "school"),
    ("middle", "school"): ("secondary", "school"),
}

# A title ending in a field rather than a person ("Software Engineering Intern" after its
# noise is gone, "Digital Marketing Intern") is also tried with the field's practitioner.
FIELDS: dict[str, str] = {
    "engineering": "engineer", "development": "developer", "accounting": "accountant",
    "nursing": "nurse", "design": "designer", "marketing": "marketer",
    "programming": "programmer", "analytics": "analyst",
}  # fmt: skip

# Foreign head words that come first in their language ("ingénieur logiciel",
# "desarrollador backend"): a title starting with one is also tried with it moved last.
HEAD_FIRST: frozenset[str] = frozenset(
    {"ingénieur", "ingenieure", "ingénieure", "développeur", "developpeur", "développeuse",
     "desarrollador", "desarrolladora", "ingeniero", "ingeniera", "technicien", "técnico",
     "tecnico", "programador", "programadora", "infirmier", "infirmière", "enfermera",
     "enfermero"}
)  # fmt: skip

# Words that say nothing about the occupation: seniority, levels, contract and schedule,
# recruiting noise, gender markers ("m/w/d", "H/F"), licence classes. Dropped anywhere.
NOISE: frozenset[str] = _words(
    """
    senior sr snr sen junior jr jnr experienced entry level mid midlevel i ii iii iv v
    vi intern interns internship internships trainee trainees apprentice apprenticeship
    graduate grad student co op coop summer winter fall spring full part time fulltime
    parttime ft pt prn per diem contract contractor contractors temporary temp seasonal
    permanent freelance freelancer locum locums tenens remote hybrid onsite wfh weekly
    daily night nights day days weekend weekends evening evenings overnight overnights
    shift shifts 1st 2nd 3rd rotating flexible schedule urgent urgently hiring now
    immediate immediately needed wanted opening openings position positions job jobs
    role vacancy new sign on bonus pay req requisition ref m w d f x h mwd mfd gn all
    genders divers cdl
    class otr regional local vollzeit teilzeit minijob cdi cdd alternance nuit turno
    noche mañana tarde jornada completa
    """
)

# Dropped when they are not the title's last word: "Staff Accountant", "Lead Installer",
# "Associate Attorney", "Principal Backend Engineer" (but "Sales Associate", "Team Lead").
MODIFIERS: frozenset[str] = frozenset({"staff", "lead", "principal", "associate"})

# A title is cut at the first of these (after trying it whole): "Pharmacist in Charge",
# "Java Backend Engineer with Integration Expertise", "Developer at ACME".
CUT_AT: frozenset[str] = frozenset(
    {"with", "at", "for", "in", "to", "from", "on", "within", "near", "für", "mit", "bei",
     "im", "de", "du", "des", "pour", "chez", "para", "en", "del", "con"}
)  # fmt: skip

# Words too general to name an occupation on their own: a one-word title or core made of
# one of them codes to nothing ("Manager", "Technician", "Driver"), never to whichever ESCO
# occupation happens to carry it as an alternative label.
GENERIC: frozenset[str] = _words(
    """
    manager managers engineer engineers assistant specialist coordinator consultant
    analyst associate technician officer director representative administrator operator
    worker agent advisor supervisor lead leader member owner partner executive
    professional expert designer developer clerk helper attendant inspector planner
    instructor trainer scientist researcher therapist counselor driver mechanic
    installer technologist writer aide crew staff employee team founder cofounder
    president principal head chief fellow volunteer generalist ambassador advocate
    liaison strategist editor teacher controller officer technicians assistants
    specialists consultants analysts operators workers agents drivers teachers coach
    tester builder maker handler keeper person people various support services service
    sales marketing operations business management administration administrative office
    general
    """
)

# Tokens that place an engineer, developer, architect... in ICT.
TECH_DOMAIN: frozenset[str] = _words(
    """
    software java javascript typescript python golang go ruby rails php node nodejs
    react angular vue ios android mobile web frontend backend fullstack net .net c# c++
    scala kotlin swift rust salesforce vlocity sap oracle servicenow workday anaplan
    peoplesoft dynamics sharepoint linux unix cloud aws azure gcp devops api apis
    microservices firmware app apps sql etl tech html5 html css
    wordpress shopify drupal magento unity unreal game games blockchain crm erp ict
    computer computing platform infrastructure kubernetes data bigdata spark hadoop
    machine learning artificial intelligence deep nlp vision llm genai security
    cybersecurity cyber infosec appsec network systems system embedded integration
    solutions solution enterprise technical
    """
)

_HVAC = "esco:heating, ventilation, air conditioning (and refrigeration) service engineer"

# Titles ESCO lacks or words differently, and tech titles: title -> "esco:<preferred
# label>" (that occupation), "isco:<code>" (the unit group only: no single ESCO occupation
# fits) or "" (too general to code). Written in plain words; `table` canonicalizes them like
# every other title. Each says why.
TITLES: dict[str, str] = {
    # tech titles (ESCO has no DevOps/SRE/ML engineer; ISCO-08 2522 "develop, control,
    # maintain and support ... IT systems and infrastructure" fits operations engineering,
    # 2511 is where ESCO puts data scientists and AI system designers)
    "devops engineer": "isco:2522", "site reliability engineer": "isco:2522",
    "developer": "esco:software developer",
    "platform engineer": "isco:2522", "cloud engineer": "isco:2522",
    "infrastructure engineer": "isco:2522", "systems engineer": "isco:2522",
    "machine learning engineer": "isco:2511", "machine learning scientist": "isco:2511",
    "artificial intelligence engineer": "isco:2511", "deep learning engineer": "isco:2511",
    "full stack developer": "esco:software developer",
    "tech lead": "esco:software developer", "technical lead": "esco:software developer",
    "full stack engineer": "esco:software developer",
    "front end engineer": "esco:user interface developer",
    "back end developer": "esco:software developer",
    "back end engineer": "esco:software developer",
    "security engineer": "isco:2529", "security analyst": "isco:2529",
    "cyber security analyst": "isco:2529", "cyber security engineer": "isco:2529",
    "information security analyst": "isco:2529",
    "quality assurance engineer": "esco:software tester",
    "quality assurance analyst": "esco:software tester",
    "quality assurance tester": "esco:software tester",
    "test automation engineer": "esco:software tester", "sdet": "esco:software tester",
    "network engineer": "esco:ICT network engineer",
    "ux designer": "esco:user interface designer",
    "user experience designer": "esco:user interface designer",
    "ui ux designer": "esco:user interface designer",
    "solutions architect": "esco:ICT system architect",
    "cloud architect": "esco:ICT system architect",
    "help desk analyst": "esco:ICT help desk agent",
    "help desk technician": "esco:ICT help desk agent",
    "desktop support technician": "esco:ICT help desk agent",
    "ict support technician": "esco:ICT help desk agent",
    "ict support specialist": "esco:ICT help desk agent",
    "software support specialist": "esco:ICT help desk agent",
    # US titles ESCO lacks, or resolves to an unlikely occupation
    "nurse": "esco:nurse responsible for general care",
    "registered nurse": "esco:nurse responsible for general care",
    "staff nurse": "esco:nurse responsible for general care",
    "charge nurse": "esco:nurse responsible for general care",
    "travel nurse": "esco:nurse responsible for general care",
    "licensed practical nurse": "isco:3221",
    "certified nursing assistant": "esco:nurse assistant",
    "physician assistant": "isco:2240",  # ISCO-08 lists it in 2240; ESCO's alt is a 3256
    "physician associate": "isco:2240",
    "medical assistant": "esco:doctors' surgery assistant",
    "controller": "esco:financial controller",
    "electronics technician": "esco:electronics engineering technician",
    "paralegal": "esco:legal assistant", "legal secretary": "esco:legal administrative assistant",
    "family physician": "esco:general practitioner",
    "primary care physician": "esco:general practitioner",
    "mental health therapist": "esco:psychotherapist",
    "finance director": "esco:financial manager", "recruiter": "esco:recruitment consultant",
    "security officer": "esco:security guard",
    "hvac technician": _HVAC,
    "hvac service technician": _HVAC,
    "hvac mechanic": _HVAC,
    "general manager": "esco:business manager",
    "structural engineer": "esco:civil engineer",
    "speech language pathologist": "esco:speech and language therapist",
    "speech pathologist": "esco:speech and language therapist",
    "physical therapist assistant": "esco:physiotherapy assistant",
    "sales associate": "esco:shop assistant",
    "retail sales associate": "esco:shop assistant",
    "salesperson": "esco:shop assistant",
    "retail salesperson": "esco:shop assistant",
    "financial advisor": "esco:financial planner",
    "property manager": "esco:real estate manager",
    "warehouse associate": "esco:warehouse worker",
    "teacher assistant": "isco:5312", "teacher aide": "isco:5312",
    "esthetician": "isco:5142", "aesthetician": "isco:5142",
    "heavy equipment operator": "isco:8342",
    "custodian": "esco:building cleaner",
    "certified public accountant": "esco:accountant",
    # generic on job boards, although ESCO has them as someone's alternative label
    "crew member": "", "team member": "", "team lead": "", "team leader": "",
}  # fmt: skip

# Head words of ICT titles, and what a title with such a head and a TECH_DOMAIN word codes
# to when nothing more specific matched ("Salesforce Vlocity Developer", "Java Backend
# Engineer", "SAP FICO Consultant").
TECH_HEADS: dict[str, str] = {
    "developer": "esco:software developer", "engineer": "esco:software developer",
    "programmer": "esco:software developer", "coder": "esco:software developer",
    "development": "esco:software developer",
    "architect": "esco:ICT system architect", "consultant": "esco:ICT consultant",
    "analyst": "esco:ICT system analyst", "administrator": "esco:ICT system administrator",
}  # fmt: skip

# Domain words that override the head's default above: mobile developers are ISCO 2514
# (ESCO "mobile application developer"), operations engineers 2522, data/ML 2511,
# security 2529.
TECH_OVERRIDES: dict[str, dict[str, str]] = {
    "ios": {"developer": "esco:mobile application developer",
            "engineer": "esco:mobile application developer"},
    "android": {"developer": "esco:mobile application developer",
                "engineer": "esco:mobile application developer"},
    "mobile": {"developer": "esco:mobile application developer",
               "engineer": "esco:mobile application developer"},
    "devops": {"engineer": "isco:2522"},
    "cloud": {"engineer": "isco:2522"}, "infrastructure": {"engineer": "isco:2522"},
    "platform": {"engineer": "isco:2522"}, "kubernetes": {"engineer": "isco:2522"},
    "learning": {"engineer": "isco:2511", "developer": "isco:2511"},
    "intelligence": {"engineer": "isco:2511"},
    "data": {"engineer": "esco:data scientist", "architect": "esco:database designer"},
    "security": {"engineer": "isco:2529", "analyst": "isco:2529", "architect": "isco:2529",
                 "consultant": "esco:ICT security consultant"},
    "cybersecurity": {"engineer": "isco:2529", "analyst": "isco:2529"},
}  # fmt: skip
