"""The demo library (seed_resources_demo) and the tiny PDFs it attaches."""

import datetime
import re

from jurisdictions.models import State

from . import services
from .documents import read_resource_text
from .models import Resource, ResourceAudience, Topic


def simple_pdf(lines, *, title=""):
    """A one-page PDF with the given lines of text (Helvetica, Latin-1), small enough to generate on the fly."""

    def escape(text):
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    body = ["BT", "/F1 11 Tf", "14 TL", "56 760 Td"]
    for line in lines:
        body.append(f"({escape(line)}) Tj T*")
    body.append("ET")
    stream = "\n".join(body).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Title ({escape(title)}) >>".encode("latin-1", "replace"),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# -- the demo library ---------------------------------------------------------------------------------
#
# Written for this project as sample content: every summary says it is demo content, every link points at
# example.org, and no real person is named. The kinds, topics and dates follow what immigrant-rights
# resource libraries publish (detainer policy, 287(g), state laws, sheriff meetings, open-records toolkits,
# sample letters to boards, Spanish know-your-rights handouts).

DEMO_URL = "https://example.org/demo-library/"
DEMO_EN = "Demo content."
DEMO_ES = "Contenido de demostración."

BOARD_LETTER_EN = """{{ date }}

{{ official }}
{{ title }}, {{ agency }}

Dear {{ official }},

We write on behalf of {{ campaign }}, a coalition of residents, faith groups and service providers in
{{ jurisdiction }}. Today people booked into the county jail can be held past their release time because
Immigration and Customs Enforcement (ICE) asked for it. These holds are requests, not court orders, and
courts have found that keeping someone in custody on an ICE request alone can violate the Fourth Amendment.

We ask the board to adopt a policy that:
1. ends extra detention on ICE holds unless a judge has signed a warrant;
2. stops telling ICE when people will be released;
3. keeps ICE agents out of the jail unless they bring a judicial warrant.

Families in {{ jurisdiction }} should be able to call for help without fearing deportation. We would welcome
a meeting to discuss a policy before the board's next session.

Sincerely,
{{ sender }}
(Demo sample letter)
"""

BOARD_LETTER_ES = """{{ date }}

{{ official }}
{{ title }}, {{ agency }}

Estimado/a {{ official }}:

Le escribimos en nombre de {{ campaign }}, una coalición de residentes, congregaciones y organizaciones de
servicio de {{ jurisdiction }}. Hoy en día, las personas detenidas en la cárcel del condado pueden quedar
retenidas después de su hora de salida porque el Servicio de Inmigración y Control de Aduanas (ICE) lo pidió.
Esas retenciones son solicitudes, no órdenes judiciales.

Pedimos a la junta que adopte una política que:
1. ponga fin a las retenciones de ICE sin orden firmada por un juez;
2. deje de avisar a ICE de las fechas de salida;
3. no permita la entrada de agentes de ICE a la cárcel sin orden judicial.

Quedamos a su disposición para reunirnos antes de la próxima sesión de la junta.

Atentamente,
{{ sender }}
(Carta modelo de demostración)
"""

SHERIFF_MEETING_LETTER = """{{ date }}

{{ official }}
{{ title }}, {{ agency }}

Dear {{ official }},

{{ campaign }} asks for a meeting with you and your staff in the coming weeks. Members of our coalition
in {{ jurisdiction }} have questions about how the jail responds to ICE requests: holds, notices of release
dates, interviews of people in custody, and any agreement your office has signed with ICE.

We would like to understand current practice and share what residents have told us. Please let us know a
time that works for you.

Respectfully,
{{ sender }}
(Demo sample letter)
"""

END_287G_LETTER = """{{ date }}

{{ official }}
{{ title }}, {{ agency }}

Dear {{ official }},

On behalf of {{ campaign }}, we urge you to end the 287(g) agreement between {{ agency }} and Immigration
and Customs Enforcement. The agreement lets deputies in {{ jurisdiction }} act as immigration agents, costs
local money and staff time, and makes immigrant residents afraid to report crimes or serve as witnesses.

The agreement can be ended by written notice. We ask you to send that notice and to tell the public when
you have done so.

Sincerely,
{{ sender }}
(Demo sample letter)
"""

RECORDS_COVER_LETTER = """{{ date }}

{{ official }}
{{ title }}, {{ agency }}

Re: Public records request from {{ campaign }}

Dear {{ official }},

Under our state's public records law, we request copies of the following records held by {{ agency }}
about {{ jurisdiction }}, from January 1 of last year to today:
- every immigration detainer (hold) request received from ICE, and the response to each;
- every notice of a release date sent to ICE;
- any agreement, memorandum or contract with ICE or the Department of Homeland Security;
- policies or training materials on responding to ICE requests.

Electronic copies are preferred. Please tell us if any part of the request is denied and on what legal
ground, and release the rest.

Thank you,
{{ sender }}
(Demo sample letter)
"""

COUNSEL_LETTER_OLD = """{{ date }}

{{ official }}
{{ title }}, {{ agency }}

Dear {{ official }},

We write on behalf of {{ campaign }} about recent federal court decisions on ICE detainers. These rulings
found that a county can be held liable for keeping a person in jail on an ICE request without probable
cause found by a judge. We ask your office to advise the sheriff of {{ jurisdiction }} to stop honoring
holds that lack a judicial warrant.

Sincerely,
{{ sender }}
(Demo sample letter, earlier edition)
"""

COUNSEL_LETTER_NEW = """{{ date }}

{{ official }}
{{ title }}, {{ agency }}

Dear {{ official }},

{{ campaign }} writes to ask your office to review how {{ jurisdiction }} responds to ICE detainers and
release-date requests. Courts across the country have held that an ICE detainer is not a warrant and that
extra detention on a detainer alone is a new arrest. Counties that continue to honor detainers take on the
risk of damages claims.

We ask you to advise {{ agency }} to decline detainers that are not signed by a judge, and we would welcome
a meeting on a written policy.

Sincerely,
{{ sender }}
(Demo sample letter, updated edition)
"""


def _unwrap(text):
    """Join the lines of each prose paragraph (wrapped here to fit the source) into one line.

    Short lines (address blocks, sign-offs) and list items stay on their own lines.
    """
    paragraphs = []
    for paragraph in text.strip().split("\n\n"):
        lines = []
        for line in paragraph.splitlines():
            is_item = re.match(r"^(\d+\.|-) ", line)
            if lines and len(lines[-1]) > 60 and not is_item:
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs) + "\n"


# slug, title, kind, date, language, topics, audiences, states, summary, extras
DEMO_RESOURCES = [
    # Detainer policy: an advisory in three editions, each superseding the last.
    {
        "slug": "detainer-guidance-2013",
        "title": "What the new detainer guidance changes (2013 edition)",
        "kind": "practice_advisory",
        "date": "2013-01-20",
        "topics": ["detainers", "secure-communities"],
        "audiences": ["attorneys", "advocates"],
        "summary": "Explains which people the federal detainer guidance of the time still reaches and which "
        "procedural problems it left open.",
        "pdf": True,
    },
    {
        "slug": "detainer-guidance-2016",
        "title": "ICE detainers after the 2015 forms",
        "kind": "practice_advisory",
        "date": "2016-02-10",
        "topics": ["detainers"],
        "audiences": ["attorneys", "advocates"],
        "summary": "Reviews case law on detainers and why jails that hold people on the revised forms still risk "
        "liability for unlawful detention.",
        "supersedes": "detainer-guidance-2013",
    },
    {
        "slug": "detainer-guidance-2022",
        "title": "ICE detainers in criminal cases: a national advisory",
        "kind": "practice_advisory",
        "date": "2022-01-24",
        "topics": ["detainers", "state-laws"],
        "audiences": ["attorneys"],
        "summary": "How a detainer affects a criminal case, the constitutional questions it raises, how state "
        "laws differ, and ways defense counsel can challenge or lift a detainer.",
        "supersedes": "detainer-guidance-2016",
        "pdf": True,
        "public": True,
    },
    {
        "slug": "detainer-talking-points-2014",
        "title": "Talking points for a strong ICE hold policy (2014)",
        "kind": "fact_sheet",
        "date": "2014-06-02",
        "topics": ["detainers"],
        "audiences": ["advocates"],
        "summary": "Points to raise when pushing for a local hold policy, and wording to avoid in a draft policy.",
    },
    {
        "slug": "detainer-talking-points-2019",
        "title": "Talking points for ending ICE holds",
        "kind": "fact_sheet",
        "date": "2019-09-12",
        "topics": ["detainers", "notifications", "jail-access"],
        "audiences": ["advocates", "elected_officials"],
        "summary": "Updated points for board hearings: holds, release-date notices and jail access, with answers "
        "to the usual public-safety objections.",
        "supersedes": "detainer-talking-points-2014",
    },
    {
        "slug": "annotated-detainer-2015",
        "title": "Annotated detainer form (2015 version)",
        "kind": "infographic",
        "date": "2015-07-01",
        "topics": ["detainers"],
        "audiences": ["advocates", "attorneys"],
        "summary": "A sample detainer form marked up to show what each box means.",
    },
    {
        "slug": "annotated-detainer-2021",
        "title": "Annotated detainer form (2021 version)",
        "kind": "infographic",
        "date": "2021-05-14",
        "topics": ["detainers"],
        "audiences": ["advocates", "attorneys"],
        "summary": "The current detainer form with notes on what to look for and where its legal problems lie.",
        "supersedes": "annotated-detainer-2015",
        "public": True,
    },
    {
        "slug": "sanctuary-funding",
        "title": "Local limits on ICE cooperation and federal funding",
        "kind": "fact_sheet",
        "date": "2017-02-06",
        "topics": ["federal-funding", "detainers"],
        "audiences": ["elected_officials", "advocates"],
        "summary": "Why a policy limiting help to ICE generally does not conflict with 8 U.S.C. § 1373 or put a "
        "county's federal grants at risk.",
        "pdf": True,
    },
    {
        "slug": "local-authority-faq",
        "title": "FAQ: immigration authority of local police and sheriffs",
        "kind": "faq",
        "date": "2016-11-03",
        "topics": ["detainers", "sheriffs"],
        "audiences": ["elected_officials", "law_enforcement"],
        "summary": "Local officers cannot enforce civil immigration law on their own; this FAQ goes through "
        "detainers, administrative warrants and arrests.",
    },
    # 287(g)
    {
        "slug": "287g-map-2019",
        "title": "Map of 287(g) agreements (2019)",
        "kind": "map",
        "date": "2019-03-01",
        "topics": ["287g"],
        "audiences": ["advocates"],
        "summary": "Which jurisdictions had jail enforcement or warrant service officer agreements in 2019.",
    },
    {
        "slug": "287g-map-2025",
        "title": "Map of 287(g) agreements",
        "kind": "map",
        "date": "2025-07-18",
        "topics": ["287g"],
        "audiences": ["advocates", "community"],
        "summary": "Agreements by model (jail enforcement, task force, warrant service officer), updated from "
        "ICE's participating list.",
        "supersedes": "287g-map-2019",
        "public": True,
    },
    {
        "slug": "287g-toolkit",
        "title": "Ending a 287(g) agreement: a campaign toolkit",
        "kind": "toolkit",
        "date": "2024-04-09",
        "topics": ["287g", "sheriffs"],
        "audiences": ["advocates"],
        "summary": "How the three 287(g) models work, how an agreement is signed and ended, and a campaign plan "
        "from research to board vote.",
        "pdf": True,
    },
    {
        "slug": "287g-explainer-es",
        "title": "¿Qué es un acuerdo 287(g)?",
        "kind": "faq",
        "date": "2024-05-02",
        "language": "es",
        "topics": ["287g", "know-your-rights"],
        "audiences": ["community"],
        "summary": "Explica en palabras sencillas cómo un acuerdo 287(g) convierte a agentes locales en agentes "
        "de inmigración y qué puede hacer la comunidad.",
        "translation_of": "287g-toolkit",
    },
    {
        "slug": "287g-webinar",
        "title": "Webinar: task force agreements are back",
        "kind": "webinar",
        "date": "2025-03-20",
        "topics": ["287g"],
        "audiences": ["advocates", "attorneys"],
        "summary": "Recording and slides on the return of the task force model and how local campaigns respond.",
    },
    # State laws
    {
        "slug": "trust-act-guide",
        "title": "The TRUST Act: a guide for criminal defenders",
        "kind": "practice_advisory",
        "date": "2013-12-02",
        "topics": ["state-laws", "detainers"],
        "audiences": ["attorneys"],
        "states": ["CA"],
        "summary": "How California's 2013 law limits holds and what defense strategies it opens.",
    },
    {
        "slug": "values-act-guide",
        "title": "The California Values Act: what it requires of sheriffs",
        "kind": "practice_advisory",
        "date": "2018-01-10",
        "topics": ["state-laws", "sheriffs", "notifications"],
        "audiences": ["attorneys", "advocates"],
        "states": ["CA"],
        "summary": "The limits SB 54 places on holds, notifications, transfers and ICE access, and how to check "
        "that a sheriff complies.",
        "supersedes": "trust-act-guide",
        "pdf": True,
    },
    {
        "slug": "state-map",
        "title": "State map: laws on cooperation with ICE",
        "kind": "map",
        "date": "2025-09-30",
        "topics": ["state-laws"],
        "audiences": ["advocates", "elected_officials"],
        "summary": "States whose laws limit cooperation and states that mandate it, with links to the statutes.",
        "public": True,
    },
    {
        "slug": "texas-sb4-faq",
        "title": "FAQ: Texas SB 4 and local jails",
        "kind": "faq",
        "date": "2017-06-15",
        "topics": ["state-laws", "detainers", "sheriffs"],
        "audiences": ["advocates", "community"],
        "states": ["TX"],
        "summary": "What the Texas law requires of jails, what it does not, and what local advocates can still "
        "ask for.",
    },
    {
        "slug": "texas-sb4-faq-es",
        "title": "Preguntas frecuentes: la ley SB 4 de Texas y las cárceles",
        "kind": "faq",
        "date": "2017-06-20",
        "language": "es",
        "topics": ["state-laws", "know-your-rights"],
        "audiences": ["community"],
        "states": ["TX"],
        "summary": "Lo que exige la ley de Texas a las cárceles locales y lo que la comunidad todavía puede pedir.",
        "translation_of": "texas-sb4-faq",
    },
    {
        "slug": "juveniles-ca",
        "title": "Immigration enforcement and juveniles in California",
        "kind": "practice_advisory",
        "date": "2014-08-18",
        "topics": ["juveniles", "state-laws"],
        "audiences": ["attorneys"],
        "states": ["CA"],
        "summary": "State confidentiality rules and limits on holds that protect young people in the juvenile system.",
    },
    # Sheriffs and meetings
    {
        "slug": "sheriff-questions-2014",
        "title": "Questions for a meeting with the sheriff (2014)",
        "kind": "question_list",
        "date": "2014-03-05",
        "topics": ["sheriffs", "detainers"],
        "audiences": ["advocates"],
        "summary": "Questions on holds, ICE interviews in the jail and monitoring of the state law.",
    },
    {
        "slug": "sheriff-questions-2022",
        "title": "Questions for sheriff candidates and sheriff meetings",
        "kind": "question_list",
        "date": "2022-10-06",
        "topics": ["sheriffs", "detainers", "287g", "jail-access"],
        "audiences": ["advocates", "community"],
        "summary": "Questions on working with ICE for candidate forums and meetings, with notes on what a clear "
        "answer sounds like.",
        "supersedes": "sheriff-questions-2014",
        "pdf": True,
    },
    {
        "slug": "sheriff-questions-2022-es",
        "title": "Preguntas para candidatos a alguacil y reuniones con el alguacil",
        "kind": "question_list",
        "date": "2022-10-20",
        "language": "es",
        "topics": ["sheriffs", "detainers"],
        "audiences": ["community"],
        "summary": "Preguntas sobre la colaboración con ICE para foros de candidatos y reuniones con el alguacil.",
        "translation_of": "sheriff-questions-2022",
    },
    {
        "slug": "sheriff-role",
        "title": "The sheriff's role in the arrest-to-deportation pipeline",
        "kind": "fact_sheet",
        "date": "2021-11-08",
        "topics": ["sheriffs", "jail-access"],
        "audiences": ["advocates", "community"],
        "summary": "Why sheriffs matter: the jail is where most people are handed to ICE, and sheriffs are elected.",
        "public": True,
    },
    {
        "slug": "cap-guide",
        "title": "A guide to the Criminal Alien Program",
        "kind": "toolkit",
        "date": "2015-05-11",
        "topics": ["criminal-alien-program", "jail-access"],
        "audiences": ["advocates"],
        "summary": "How ICE officers find people through jails and courts, and what ICE's presence in the jail "
        "means for organizers.",
    },
    {
        "slug": "pep-primer",
        "title": "The Priority Enforcement Program: a primer for local leaders",
        "kind": "faq",
        "date": "2015-08-03",
        "topics": ["secure-communities", "notifications"],
        "audiences": ["elected_officials"],
        "summary": "What changed when PEP replaced Secure Communities, and the new notification requests.",
    },
    {
        "slug": "u-visa-law-enforcement",
        "title": "U visa basics for law enforcement",
        "kind": "fact_sheet",
        "date": "2016-04-25",
        "topics": ["u-visas"],
        "audiences": ["law_enforcement"],
        "summary": "What U visa certification asks of an agency and why a clear certification policy helps.",
    },
    {
        "slug": "detention-contracts-report",
        "title": "Jail-bed contracts with ICE: how they are signed and ended",
        "kind": "toolkit",
        "date": "2023-05-23",
        "topics": ["detention-contracts"],
        "audiences": ["advocates", "elected_officials"],
        "summary": "Case studies of counties that ended contracts to hold people for ICE, and what made the "
        "campaigns work.",
    },
    {
        "slug": "legal-defense-funds",
        "title": "Local legal defense funds: an overview",
        "kind": "faq",
        "date": "2023-05-03",
        "topics": ["legal-defense-funds"],
        "audiences": ["elected_officials", "advocates"],
        "summary": "Why cities and counties fund deportation defense, and the parts of a strong program.",
    },
    # Open records
    {
        "slug": "open-records-toolkit",
        "title": "Open records toolkit for immigrant-rights advocates",
        "kind": "toolkit",
        "date": "2020-09-15",
        "topics": ["records-requests"],
        "audiences": ["advocates"],
        "summary": "How to write a public records request about ICE cooperation, track deadlines, and appeal a denial.",
        "pdf": True,
        "public": True,
    },
    {
        "slug": "open-records-webinar",
        "title": "Webinar: public records requests step by step",
        "kind": "webinar",
        "date": "2020-10-01",
        "topics": ["records-requests"],
        "audiences": ["advocates"],
        "summary": "Recording of a training on drafting requests, follow-up and reading what comes back.",
    },
    {
        "slug": "open-records-toolkit-es",
        "title": "Guía de solicitudes de registros públicos",
        "kind": "toolkit",
        "date": "2020-11-10",
        "language": "es",
        "topics": ["records-requests"],
        "audiences": ["advocates", "community"],
        "summary": "Cómo pedir documentos públicos sobre la colaboración con ICE y qué hacer si la agencia no "
        "responde.",
        "translation_of": "open-records-toolkit",
    },
    # Sample letters with templates
    {
        "slug": "board-letter",
        "title": "Sample letter to the board of supervisors: end ICE holds",
        "kind": "sample_letter",
        "date": "2015-10-20",
        "topics": ["detainers", "notifications", "jail-access"],
        "audiences": ["elected_officials"],
        "summary": "A letter asking a county board to stop holds, release-date notices and ICE access to the jail.",
        "template": _unwrap(BOARD_LETTER_EN),
    },
    {
        "slug": "board-letter-es",
        "title": "Carta modelo a la junta de supervisores: fin de las retenciones de ICE",
        "kind": "sample_letter",
        "date": "2015-11-02",
        "language": "es",
        "topics": ["detainers", "notifications"],
        "audiences": ["elected_officials"],
        "summary": "Carta que pide a la junta del condado poner fin a las retenciones, avisos y acceso de ICE.",
        "template": _unwrap(BOARD_LETTER_ES),
        "translation_of": "board-letter",
    },
    {
        "slug": "sheriff-meeting-letter",
        "title": "Sample letter requesting a meeting with the sheriff",
        "kind": "sample_letter",
        "date": "2019-02-14",
        "topics": ["sheriffs"],
        "audiences": ["law_enforcement"],
        "summary": "A short, polite request for a meeting about the jail's practices with ICE.",
        "template": _unwrap(SHERIFF_MEETING_LETTER),
    },
    {
        "slug": "end-287g-letter",
        "title": "Sample letter asking to end a 287(g) agreement",
        "kind": "sample_letter",
        "date": "2024-06-11",
        "topics": ["287g", "sheriffs"],
        "audiences": ["law_enforcement", "elected_officials"],
        "summary": "A letter to a sheriff or county executive asking for written notice ending the agreement.",
        "template": _unwrap(END_287G_LETTER),
    },
    {
        "slug": "records-cover-letter",
        "title": "Sample public records request about ICE cooperation",
        "kind": "sample_letter",
        "date": "2020-09-15",
        "topics": ["records-requests", "detainers"],
        "audiences": ["advocates"],
        "summary": "A request for detainers, release notices, agreements and policies, ready to fill in.",
        "template": _unwrap(RECORDS_COVER_LETTER),
    },
    {
        "slug": "counsel-letter-2014",
        "title": "Sample letter to county counsel on detainer liability (2014)",
        "kind": "sample_letter",
        "date": "2014-04-30",
        "topics": ["detainers"],
        "audiences": ["elected_officials"],
        "summary": "A letter asking county counsel to advise the sheriff after the detainer rulings of that year.",
        "template": _unwrap(COUNSEL_LETTER_OLD),
    },
    {
        "slug": "counsel-letter-2020",
        "title": "Sample letter to county counsel on detainer liability",
        "kind": "sample_letter",
        "date": "2020-06-08",
        "topics": ["detainers"],
        "audiences": ["elected_officials"],
        "summary": "Updated letter asking county counsel to advise against honoring detainers not signed by a judge.",
        "template": _unwrap(COUNSEL_LETTER_NEW),
        "supersedes": "counsel-letter-2014",
    },
    {
        "slug": "sign-on-comment",
        "title": "Sign-on comment opposing an ICE tip form",
        "kind": "public_comment",
        "date": "2023-08-23",
        "topics": ["secure-communities"],
        "audiences": ["advocates"],
        "summary": "A coalition comment on a proposed federal form that would invite anonymous, unchecked "
        "reports about immigrants.",
    },
    {
        "slug": "infographic-cooperate",
        "title": "Cooperate with the community, not with ICE (infographic)",
        "kind": "infographic",
        "date": "2015-09-01",
        "topics": ["detainers", "jail-access"],
        "audiences": ["community", "elected_officials"],
        "summary": "A one-page picture of what happens to a resident once the local jail works with ICE.",
    },
    # Spanish know-your-rights handouts
    {
        "slug": "kyr-home-en",
        "title": "Know your rights: if ICE comes to your home",
        "kind": "fact_sheet",
        "date": "2017-02-01",
        "topics": ["know-your-rights"],
        "audiences": ["community"],
        "summary": "What to do if agents knock: do not open without a warrant signed by a judge, stay silent, "
        "sign nothing.",
        "public": True,
    },
    {
        "slug": "kyr-home-es",
        "title": "Conozca sus derechos: si ICE llega a su casa",
        "kind": "fact_sheet",
        "date": "2017-02-01",
        "language": "es",
        "topics": ["know-your-rights"],
        "audiences": ["community"],
        "summary": "Qué hacer si agentes tocan a la puerta: no abrir sin una orden firmada por un juez, guardar "
        "silencio y no firmar nada.",
        "pdf": True,
        "public": True,
        "translation_of": "kyr-home-en",
    },
    {
        "slug": "kyr-jail-es",
        "title": "Conozca sus derechos en la cárcel del condado",
        "kind": "fact_sheet",
        "date": "2018-05-15",
        "language": "es",
        "topics": ["know-your-rights", "jail-access", "detainers"],
        "audiences": ["community"],
        "summary": "Derechos de una persona detenida cuando ICE pide entrevistarla o retenerla en la cárcel.",
    },
    {
        "slug": "kyr-jail-es-2024",
        "title": "Conozca sus derechos en la cárcel del condado (2024)",
        "kind": "fact_sheet",
        "date": "2024-02-12",
        "language": "es",
        "topics": ["know-your-rights", "jail-access", "detainers"],
        "audiences": ["community"],
        "summary": "Versión actualizada: entrevistas de ICE, retenciones y a quién llamar desde la cárcel.",
        "supersedes": "kyr-jail-es",
        "pdf": True,
    },
    {
        "slug": "deportation-proceedings-en",
        "title": "What happens in deportation proceedings?",
        "kind": "faq",
        "date": "2019-07-01",
        "topics": ["know-your-rights", "legal-defense-funds"],
        "audiences": ["community"],
        "summary": "For people in the criminal system who may be transferred to ICE: their rights, the steps "
        "and how to find a lawyer.",
    },
    {
        "slug": "deportation-proceedings-es",
        "title": "¿Qué pasa en un proceso de deportación?",
        "kind": "faq",
        "date": "2019-07-22",
        "language": "es",
        "topics": ["know-your-rights", "legal-defense-funds"],
        "audiences": ["community"],
        "summary": "Guía para personas en el sistema penal que pueden ser trasladadas a ICE: derechos, plazos y "
        "cómo buscar abogado.",
        "translation_of": "deportation-proceedings-en",
    },
    {
        "slug": "u-visa-es",
        "title": "Visas U: lo básico para víctimas de delitos",
        "kind": "fact_sheet",
        "date": "2021-03-08",
        "language": "es",
        "topics": ["u-visas", "know-your-rights"],
        "audiences": ["community"],
        "summary": "Quién puede pedir una visa U y por qué denunciar un delito no debe llevar a una deportación.",
    },
    {
        "slug": "local-policy-guide",
        "title": "Local policy interventions that protect immigrants",
        "kind": "toolkit",
        "date": "2021-01-19",
        "topics": ["detainers", "notifications", "jail-access", "legal-defense-funds"],
        "audiences": ["elected_officials", "advocates"],
        "summary": "The main local policies, from ending holds to funding defense, with examples of where each "
        "has been adopted.",
    },
]


def _pdf_lines(entry, summary):
    words, lines, line = summary.split(), [], ""
    for word in words:
        if len(line) + len(word) > 88:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    notice = DEMO_ES if entry.get("language") == "es" else DEMO_EN
    return [entry["title"], "", *lines, "", f"{notice} ICE Out Campaign Desk."]


def _current(resource, name):
    if name in ("supersedes", "translation_of"):
        return getattr(resource, f"{name}_id")
    return getattr(resource, name)


def _comparable(value):
    return getattr(value, "pk", value)


def seed_resources_demo(stdout, *, user=None):
    """Create the demo library (49 resources in English and Spanish); a second run changes nothing.

    Resources are matched by their example.org address. Returns the demo resources by slug.
    """
    from django.core.files.base import ContentFile
    from django.db import transaction

    topics = {topic.slug: topic for topic in Topic.objects.all()}
    postals = {postal for entry in DEMO_RESOURCES for postal in entry.get("states", [])}
    states = {state.postal: state for state in State.objects.filter(postal__in=postals)}
    existing = {
        resource.url: resource
        for resource in Resource.objects.filter(url__startswith=DEMO_URL).prefetch_related(
            "topics", "states", "audience_links"
        )
    }
    by_slug, created, updated = {}, 0, 0
    with transaction.atomic():
        for entry in DEMO_RESOURCES:
            language = entry.get("language", "en")
            notice = DEMO_ES if language == "es" else DEMO_EN
            fields = {
                "title": entry["title"],
                "kind": entry["kind"],
                "summary": f"{notice} {entry['summary']}",
                "published_on": datetime.date.fromisoformat(entry["date"]),
                "language": language,
                "template_body": entry.get("template", ""),
                "is_public": entry.get("public", False),
                "is_demo": True,
                "supersedes": by_slug.get(entry.get("supersedes")),
                "translation_of": by_slug.get(entry.get("translation_of")),
            }
            wanted_topics = [topics[slug] for slug in entry.get("topics", []) if slug in topics]
            wanted_states = [states[postal] for postal in entry.get("states", []) if postal in states]
            audiences = entry.get("audiences", [])
            url = DEMO_URL + entry["slug"]
            resource = existing.get(url)
            if resource is None:
                upload = None
                if entry.get("pdf"):
                    pdf = simple_pdf(_pdf_lines(entry, fields["summary"]), title=entry["title"])
                    upload = ContentFile(pdf, name=f"{entry['slug']}.pdf")
                resource = services.resource_create(
                    user=user,
                    url=url,
                    upload=upload,
                    topics=wanted_topics,
                    states=wanted_states,
                    audiences=audiences,
                    **fields,
                )
                if upload:  # demo documents are searchable as soon as the seed ends, worker or not
                    read_resource_text(resource_id=resource.pk, file_name=resource.file.name)
                created += 1
            else:
                changed = [name for name, value in fields.items() if _current(resource, name) != _comparable(value)]
                for name in changed:
                    setattr(resource, name, fields[name])
                if changed:
                    resource.save()
                if set(resource.topics.all()) != set(wanted_topics):
                    resource.topics.set(wanted_topics)
                    changed.append("topics")
                if set(resource.states.all()) != set(wanted_states):
                    resource.states.set(wanted_states)
                    changed.append("states")
                have = {link.audience for link in resource.audience_links.all()}
                if have != set(audiences):
                    resource.audience_links.all().delete()
                    ResourceAudience.objects.bulk_create(
                        [ResourceAudience(resource=resource, audience=audience) for audience in audiences]
                    )
                    changed.append("audiences")
                updated += bool(changed)
            by_slug[entry["slug"]] = resource
    unchanged = len(DEMO_RESOURCES) - created - updated
    stdout.write(f"Demo resources: {created} created, {updated} updated, {max(unchanged, 0)} unchanged.\n")
    return by_slug


def seed_demo(*, users, force=False, stdout):
    """The resources step of seed_demo: the demo library."""
    seed_resources_demo(stdout, user=users.get("staff1"))
