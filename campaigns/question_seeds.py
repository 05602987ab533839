"""The question sets every installation starts with, in English and Spanish.

Written for this project. `question_sets_seed()` adds a set only when no set of that name exists, so
staff edits are never overwritten and running it twice changes nothing.
"""

from django.apps import apps as django_apps

QUESTION_SETS = [
    {
        "name": "Sheriff meeting",
        "name_es": "Reunión con el sheriff",
        "kind": "sheriff",
        "description": "For a meeting with the sheriff or jail command staff about how the jail works with ICE.",
        "description_es": (
            "Para una reunión con el sheriff o los mandos de la cárcel sobre cómo colabora la cárcel con ICE."
        ),
        "questions": [
            {
                "topic": "Detainers",
                "topic_es": "Detenciones de ICE (holds)",
                "text": "When ICE sends a detainer (a 'hold') for someone in the jail, what does your office do?",
                "text_es": (
                    "Cuando ICE envía una solicitud de detención (un 'hold') para alguien en la cárcel, "
                    "¿qué hace su oficina?"
                ),
                "good": (
                    "Names a written policy: nobody is kept past their release time on a detainer alone, only "
                    "with a warrant signed by a judge."
                ),
                "good_es": (
                    "Menciona una política escrita: nadie se queda detenido después de su hora de salida solo por "
                    "un hold; únicamente con una orden firmada por un juez."
                ),
                "evasive": (
                    "'We follow federal law' or 'we look at each case', with no written policy and no mention of "
                    "a judicial warrant."
                ),
                "evasive_es": (
                    "'Seguimos la ley federal' o 'vemos cada caso', sin política escrita y sin mencionar una orden "
                    "judicial."
                ),
            },
            {
                "topic": "Release notifications",
                "topic_es": "Avisos de salida",
                "text": "Does the jail tell ICE when someone is about to be released, by phone, email or database?",
                "text_es": (
                    "¿La cárcel avisa a ICE cuando alguien está por salir, por teléfono, correo electrónico o base "
                    "de datos?"
                ),
                "good": "No notifications of any kind, and staff have been told so in writing.",
                "good_es": "Ningún tipo de aviso, y el personal lo sabe por escrito.",
                "evasive": "'Release dates are public anyway' or 'only for serious cases', without saying who decides.",
                "evasive_es": (
                    "'Las fechas de salida son públicas de todos modos' o 'solo en casos graves', sin decir quién "
                    "lo decide."
                ),
            },
            {
                "topic": "ICE in the jail",
                "topic_es": "ICE dentro de la cárcel",
                "text": (
                    "Can ICE officers enter the jail, look at booking lists or interview people in custody? "
                    "Are people told they may refuse and have a lawyer present?"
                ),
                "text_es": (
                    "¿Pueden los agentes de ICE entrar a la cárcel, ver las listas de ingreso o entrevistar a las "
                    "personas detenidas? ¿Se les informa que pueden negarse y tener un abogado presente?"
                ),
                "good": (
                    "ICE has no access without a judicial warrant; any interview needs written consent after a "
                    "notice of rights in the person's language."
                ),
                "good_es": (
                    "ICE no entra sin orden judicial; toda entrevista requiere consentimiento por escrito después "
                    "de un aviso de derechos en el idioma de la persona."
                ),
                "evasive": "'ICE is like any other law enforcement agency here.'",
                "evasive_es": "'Aquí ICE es como cualquier otra agencia policial.'",
            },
            {
                "topic": "287(g)",
                "topic_es": "287(g)",
                "text": (
                    "Does your office have, or plan to sign, a 287(g) agreement? Which model, and what would it "
                    "take to end it?"
                ),
                "text_es": (
                    "¿Su oficina tiene, o piensa firmar, un acuerdo 287(g)? ¿De qué modelo, y qué haría falta para "
                    "terminarlo?"
                ),
                "good": "No agreement and no plan for one; or a date and a process to end the current one.",
                "good_es": "Ningún acuerdo ni planes; o una fecha y un proceso para terminar el actual.",
                "evasive": "'It's just a tool' or 'ICE asked us to', without numbers or a review date.",
                "evasive_es": "'Es solo una herramienta' o 'ICE nos lo pidió', sin cifras ni fecha de revisión.",
            },
            {
                "topic": "Data sharing",
                "topic_es": "Intercambio de datos",
                "text": (
                    "What information about people in custody reaches ICE: fingerprints, booking data, shared "
                    "databases or license-plate readers?"
                ),
                "text_es": (
                    "¿Qué información de las personas detenidas llega a ICE: huellas, datos de ingreso, bases de "
                    "datos compartidas o lectores de placas?"
                ),
                "good": (
                    "Only what federal law requires (fingerprints to the FBI); no other sharing, with the "
                    "agreements listed."
                ),
                "good_es": (
                    "Solo lo que exige la ley federal (huellas al FBI); ningún otro intercambio, con los acuerdos "
                    "enumerados."
                ),
                "evasive": "'We don't control what happens to the data after it leaves us.'",
                "evasive_es": "'No controlamos lo que pasa con los datos cuando salen de aquí.'",
            },
            {
                "topic": "Transfers",
                "topic_es": "Traslados",
                "text": "Has anyone been handed to ICE at release in the last year? How many, and how was it decided?",
                "text_es": (
                    "¿Se ha entregado a alguien a ICE al salir de la cárcel en el último año? ¿Cuántas personas, y "
                    "cómo se decidió?"
                ),
                "good": "A number, the records behind it, and a commitment to publish it regularly.",
                "good_es": "Una cifra, los registros que la respaldan y el compromiso de publicarla con regularidad.",
                "evasive": "'We don't track that' (it is tracked: ask for the records).",
                "evasive_es": "'No llevamos ese registro' (sí existe: pidan los documentos).",
            },
            {
                "topic": "Written policy",
                "topic_es": "Política escrita",
                "text": "Will you put the answers you gave today in a written policy, and share it with us?",
                "text_es": "¿Pondrá por escrito en una política lo que nos dijo hoy, y nos la compartirá?",
                "good": "Yes, with a date.",
                "good_es": "Sí, con una fecha.",
                "evasive": "'Our practice is clear enough.'",
                "evasive_es": "'Nuestra práctica ya es clara.'",
            },
        ],
    },
    {
        "name": "Board member meeting",
        "name_es": "Reunión con integrante de la junta",
        "kind": "board_member",
        "description": "For a supervisor, commissioner or council member whose vote the campaign needs.",
        "description_es": "Para un supervisor, comisionado o concejal cuyo voto necesita la campaña.",
        "questions": [
            {
                "topic": "Position",
                "topic_es": "Postura",
                "text": (
                    "Would you support a county policy that stops the jail from holding people for ICE and "
                    "keeps ICE out of the jail?"
                ),
                "text_es": (
                    "¿Apoyaría una política del condado que impida a la cárcel retener personas para ICE y "
                    "mantenga a ICE fuera de la cárcel?"
                ),
                "good": "A clear yes, and willingness to sponsor or co-sponsor it.",
                "good_es": "Un sí claro, y disposición a presentarla o copatrocinarla.",
                "evasive": "'That's up to the sheriff', or 'I need to see the language' with no follow-up date.",
                "evasive_es": "'Eso le toca al sheriff', o 'tengo que ver el texto' sin fecha para seguir hablando.",
            },
            {
                "topic": "The board's power",
                "topic_es": "El poder de la junta",
                "text": (
                    "The board sets the jail's budget and approves contracts. Would you use that to require "
                    "public reporting on ICE cooperation?"
                ),
                "text_es": (
                    "La junta aprueba el presupuesto y los contratos de la cárcel. ¿Usaría eso para exigir "
                    "informes públicos sobre la colaboración con ICE?"
                ),
                "good": "Yes: quarterly reports to the board in a public meeting.",
                "good_es": "Sí: informes trimestrales a la junta en sesión pública.",
                "evasive": "'We can't tell an elected sheriff what to do.'",
                "evasive_es": "'No podemos decirle a un sheriff electo qué hacer.'",
            },
            {
                "topic": "Contracts",
                "topic_es": "Contratos",
                "text": "Will you vote against renewing any jail-bed contract or agreement with ICE?",
                "text_es": "¿Votará en contra de renovar cualquier contrato de camas o acuerdo de la cárcel con ICE?",
                "good": "Yes, and asks when the next renewal comes to the board.",
                "good_es": "Sí, y pregunta cuándo llega la próxima renovación a la junta.",
                "evasive": "'The county needs the revenue.'",
                "evasive_es": "'El condado necesita esos ingresos.'",
            },
            {
                "topic": "Legal defense",
                "topic_es": "Defensa legal",
                "text": "Would you fund lawyers for residents facing deportation, as other counties do?",
                "text_es": (
                    "¿Financiaría abogados para residentes que enfrentan la deportación, como hacen otros condados?"
                ),
                "good": "Yes, names an amount or a budget line to look at.",
                "good_es": "Sí, menciona una cantidad o una partida del presupuesto.",
                "evasive": "'Immigration is a federal matter.'",
                "evasive_es": "'La inmigración es un asunto federal.'",
            },
            {
                "topic": "Next step",
                "topic_es": "Próximo paso",
                "text": "Will you put this on an agenda, and when can we meet again?",
                "text_es": "¿Lo pondrá en la agenda, y cuándo podemos volver a reunirnos?",
                "good": "A meeting date or an agenda item with a month.",
                "good_es": "Una fecha de reunión o un punto en la agenda con mes.",
                "evasive": "'Send my office an email.'",
                "evasive_es": "'Mande un correo a mi oficina.'",
            },
        ],
    },
    {
        "name": "County counsel meeting",
        "name_es": "Reunión con el abogado del condado",
        "kind": "county_counsel",
        "description": "For the county's lawyers: liability, the law and what the board may decide.",
        "description_es": (
            "Para los abogados del condado: responsabilidad legal, la ley y lo que la junta puede decidir."
        ),
        "questions": [
            {
                "topic": "Liability",
                "topic_es": "Responsabilidad legal",
                "text": (
                    "Has your office advised the sheriff that holding someone on an ICE detainer alone can be an "
                    "unlawful arrest under the Fourth Amendment?"
                ),
                "text_es": (
                    "¿Su oficina le ha advertido al sheriff que retener a alguien solo por un hold de ICE puede ser "
                    "un arresto ilegal según la Cuarta Enmienda?"
                ),
                "good": "Yes, in writing, citing the court decisions; and the advice can be shared.",
                "good_es": "Sí, por escrito, citando las decisiones judiciales; y el consejo se puede compartir.",
                "evasive": "'That advice is privileged' with no summary of its conclusion.",
                "evasive_es": "'Ese consejo es confidencial', sin resumir su conclusión.",
            },
            {
                "topic": "State law",
                "topic_es": "Ley estatal",
                "text": "How does the county make sure the jail follows the state's law on cooperation with ICE?",
                "text_es": (
                    "¿Cómo se asegura el condado de que la cárcel cumpla la ley estatal sobre la colaboración con ICE?"
                ),
                "good": "Names the law, the person responsible and how compliance is checked.",
                "good_es": "Nombra la ley, la persona responsable y cómo se verifica el cumplimiento.",
                "evasive": "'We assume the sheriff complies.'",
                "evasive_es": "'Suponemos que el sheriff cumple.'",
            },
            {
                "topic": "The board's authority",
                "topic_es": "La autoridad de la junta",
                "text": (
                    "In your view, what may the board require of the sheriff through ordinance, budget or contract?"
                ),
                "text_es": (
                    "En su opinión, ¿qué puede exigirle la junta al sheriff por ordenanza, presupuesto o contrato?"
                ),
                "good": "A concrete list, and willingness to draft language for the board.",
                "good_es": "Una lista concreta, y disposición a redactar el texto para la junta.",
                "evasive": "'Nothing, the sheriff is independent.'",
                "evasive_es": "'Nada, el sheriff es independiente.'",
            },
            {
                "topic": "287(g) terms",
                "topic_es": "Términos del 287(g)",
                "text": "If there is a 287(g) agreement, how can the county end it, and on how much notice?",
                "text_es": "Si existe un acuerdo 287(g), ¿cómo puede terminarlo el condado, y con cuánto aviso?",
                "good": "Points to the termination clause of the agreement (either party, written notice).",
                "good_es": (
                    "Señala la cláusula de terminación del acuerdo (cualquiera de las partes, aviso por escrito)."
                ),
                "evasive": "'We'd have to study it.'",
                "evasive_es": "'Tendríamos que estudiarlo.'",
            },
            {
                "topic": "Records",
                "topic_es": "Documentos públicos",
                "text": "Will the county release the jail's ICE-related records we request without delay?",
                "text_es": (
                    "¿Entregará el condado sin demora los documentos de la cárcel relacionados con ICE que pidamos?"
                ),
                "good": "Yes, within the legal deadline, with a named contact.",
                "good_es": "Sí, dentro del plazo legal, con una persona de contacto.",
                "evasive": "'Send a request and we'll see.'",
                "evasive_es": "'Manden una solicitud y veremos.'",
            },
        ],
    },
    {
        "name": "Candidate forum",
        "name_es": "Foro de candidatos",
        "kind": "candidate_forum",
        "description": "Short questions for candidates for sheriff or the board at a public forum.",
        "description_es": "Preguntas cortas para candidatos a sheriff o a la junta en un foro público.",
        "questions": [
            {
                "topic": "Detainers",
                "topic_es": "Holds de ICE",
                "text": (
                    "If elected, will you end the jail's practice of holding people for ICE without a judge's warrant?"
                ),
                "text_es": ("Si gana, ¿pondrá fin a que la cárcel retenga personas para ICE sin una orden de un juez?"),
                "good": "Yes, on day one, by written policy.",
                "good_es": "Sí, desde el primer día, con una política escrita.",
                "evasive": "'I'll keep everyone safe.'",
                "evasive_es": "'Voy a mantener a todos seguros.'",
            },
            {
                "topic": "287(g)",
                "topic_es": "287(g)",
                "text": "Will you end, or refuse to sign, a 287(g) agreement with ICE?",
                "text_es": "¿Terminará, o se negará a firmar, un acuerdo 287(g) con ICE?",
                "good": "Yes, without conditions.",
                "good_es": "Sí, sin condiciones.",
                "evasive": "'Every tool should stay on the table.'",
                "evasive_es": "'Hay que mantener todas las herramientas disponibles.'",
            },
            {
                "topic": "ICE in the jail",
                "topic_es": "ICE en la cárcel",
                "text": "Will ICE agents have access to the jail and to people in custody under your leadership?",
                "text_es": "¿Tendrán los agentes de ICE acceso a la cárcel y a las personas detenidas bajo su mando?",
                "good": "No, except with a judicial warrant.",
                "good_es": "No, salvo con una orden judicial.",
                "evasive": "'We cooperate with all agencies.'",
                "evasive_es": "'Colaboramos con todas las agencias.'",
            },
            {
                "topic": "Transparency",
                "topic_es": "Transparencia",
                "text": "Will you publish, every quarter, how many ICE requests the jail received and how it answered?",
                "text_es": ("¿Publicará cada trimestre cuántas solicitudes de ICE recibió la cárcel y cómo respondió?"),
                "good": "Yes, online, broken down by kind of request.",
                "good_es": "Sí, en internet, por tipo de solicitud.",
                "evasive": "'People can always file a records request.'",
                "evasive_es": "'La gente siempre puede pedir los documentos.'",
            },
            {
                "topic": "Community trust",
                "topic_es": "Confianza de la comunidad",
                "text": (
                    "Will your office sign U visa certifications for crime victims who help investigations, "
                    "within a set time?"
                ),
                "text_es": (
                    "¿Firmará su oficina las certificaciones de visa U para víctimas que ayudan en las "
                    "investigaciones, en un plazo fijo?"
                ),
                "good": "Yes, within 90 days or less, with a written procedure.",
                "good_es": "Sí, en 90 días o menos, con un procedimiento escrito.",
                "evasive": "'Case by case.'",
                "evasive_es": "'Caso por caso.'",
            },
        ],
    },
]


def question_sets_seed(apps=None):
    """Create the sets above that do not exist yet (by name). Returns how many sets were created."""
    apps = apps or django_apps  # a migration passes its historical models
    QuestionSet = apps.get_model("campaigns", "QuestionSet")
    Question = apps.get_model("campaigns", "Question")
    created = 0
    for spec in QUESTION_SETS:
        if QuestionSet.objects.filter(name=spec["name"]).exists():
            continue
        question_set = QuestionSet.objects.create(
            name=spec["name"],
            name_es=spec["name_es"],
            kind=spec["kind"],
            description=spec["description"],
            description_es=spec["description_es"],
        )
        Question.objects.bulk_create(
            Question(
                question_set=question_set,
                order=position,
                topic=q["topic"],
                topic_es=q["topic_es"],
                text=q["text"],
                text_es=q["text_es"],
                good_answer=q["good"],
                good_answer_es=q["good_es"],
                evasive_answer=q["evasive"],
                evasive_answer_es=q["evasive_es"],
            )
            for position, q in enumerate(spec["questions"], start=1)
        )
        created += 1
    return created
