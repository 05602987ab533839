"""What the synthetic bench data reads like: names, texts, how often each choice comes up, and drawing them."""

import math
from datetime import datetime, time, timedelta

from django.utils import timezone

FIRST = ["Dana", "Rosa", "Marcus", "Elena", "Curtis", "Janet", "Luis", "Priya", "Gordon", "Teresa", "Wade", "Nora"]
FIRST += ["Ana", "Malik", "Hector", "Grace", "Yusuf", "Carmen", "Ben", "Lena", "Omar", "Ruth", "Tomás", "Mei"]
LAST = ["Whitfield", "Alvarado", "Brennan", "Okoye", "Hale", "Castillo", "Lindqvist", "Moreau", "Pike", "Santos"]
LAST += ["Nguyen", "Garcia", "Kowalski", "Abebe", "Reyes", "Chen", "Murphy", "Haddad", "Ortiz", "Walsh"]
ZONES = ["America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York", "America/Phoenix"]

GOAL_TITLES = {
    "end_holds": "End ICE holds",
    "end_notifications": "Stop release-date notifications",
    "end_jail_access": "ICE out of the jail",
    "end_287g": "End 287(g)",
    "end_bed_contract": "End the ICE bed contract",
    "enforce_state_law": "Enforce the state law",
    "fund_legal_defense": "Fund deportation defense",
    "other": "Courthouse protections",
}
GOAL_WEIGHTS = {
    "end_holds": 20,
    "end_notifications": 12,
    "end_jail_access": 10,
    "end_287g": 18,
    "end_bed_contract": 8,
    "enforce_state_law": 10,
    "fund_legal_defense": 14,
    "other": 8,
}
ACTIVE_PATH = ["research", "coalition", "engaging", "proposal", "decision_pending"]
STAGE_WEIGHTS = {
    "research": 14,
    "coalition": 14,
    "engaging": 20,
    "proposal": 10,
    "decision_pending": 8,
    "won": 10,
    "lost": 7,
    "monitoring": 9,
    "paused": 8,
}
STANCE_WEIGHTS = {"champion": 8, "supportive": 17, "undecided": 25, "opposed": 20, "unknown": 30}
MEETING_KIND_WEIGHTS = {"meeting": 50, "call": 25, "hearing": 12, "forum": 6, "town_hall": 7}
ASSESSMENT_WEIGHTS = {"satisfactory": 30, "unsatisfactory": 25, "evasive": 25, "not_asked": 20}
DEADLINE_KIND_WEIGHTS = {"board_vote": 8, "hearing": 10, "public_comment": 10, "follow_up": 60, "report": 12}
REQUEST_STATUS_WEIGHTS = {
    "draft": 8,
    "sent": 22,
    "acknowledged": 15,
    "extended": 10,
    "partly_fulfilled": 10,
    "fulfilled": 17,
    "denied": 12,
    "appealed": 6,
}
RESOURCE_KIND_WEIGHTS = {
    "practice_advisory": 12,
    "faq": 14,
    "toolkit": 10,
    "fact_sheet": 20,
    "sample_letter": 12,
    "public_comment": 8,
    "infographic": 8,
    "webinar": 6,
    "map": 3,
    "question_list": 7,
}
LANGUAGE_WEIGHTS = {"en": 68, "es": 24, "zh": 2, "vi": 2, "tl": 2, "ko": 1, "ht": 1}
AUDIENCES = ["advocates", "attorneys", "community", "law_enforcement", "elected_officials"]

SUBJECTS = [
    "ICE detainer requests",
    "release-date notifications",
    "ICE access to the jail",
    "the 287(g) agreement",
    "the jail-bed contract",
    "data sharing with ICE",
    "transfers to ICE custody",
    "the state law",
]
ANSWER_TEXTS = [
    "We honor every detainer ICE sends; county counsel says we must.",
    "Only with a judicial warrant, and we have not seen one this year.",
    "The sheriff declined to answer and referred us to the written policy.",
    "They share release dates by email when ICE asks; no log is kept.",
    "ICE officers come into the booking area about twice a week.",
    "Said the 287(g) agreement is up for renewal and they have not decided.",
    "Agreed to send the detainer numbers for the last three years.",
    "Claimed the state law does not apply to their jail.",
    "Case by case; there is no written rule.",
    "We stopped holding people for ICE after the court ruling.",
    "Would not commit but asked for the sample policy.",
    "Said the board has to decide, not the sheriff.",
]
SUMMARIES = [
    "Met at the sheriff's office with three coalition members; went through the question set.",
    "Short call to confirm the agenda item and who will speak for the county.",
    "Public comment at the board meeting; 14 speakers for the policy, 2 against.",
    "Forum at the community center; candidates answered the detainer questions.",
    "County counsel explained their reading of the state law; asked for our memo.",
    "Town hall with the supervisor; many questions about the jail contract.",
]
COMMITMENTS = [
    "",
    "",
    "Will send the detainer log by the end of the month.",
    "Will put the policy on the next board agenda.",
    "Will meet again after the budget hearing.",
    "Will ask county counsel for a written opinion.",
]
DEADLINE_TITLES = {
    "board_vote": "Board vote on the policy",
    "hearing": "Budget hearing: jail line item",
    "public_comment": "Public comment closes on the jail contract",
    "follow_up": "Follow up with the sheriff's office",
    "report": "Quarterly report to the coalition",
}
RESOURCE_TITLES = [
    "Detainers and the Fourth Amendment",
    "What a 287(g) agreement does to a county",
    "Sample letter to the board of supervisors",
    "Know your rights at the county jail",
    "Public records toolkit for sheriff's offices",
    "State laws limiting ICE cooperation",
    "Ending jail-bed contracts with ICE",
    "Questions for a sheriff candidate forum",
    "Funding deportation defense: a county guide",
    "Release-date notifications explained",
]
LETTER_BODY = """{{ date }}

Dear {{ official }},

We write on behalf of the coalition about {{ campaign }}. We ask {{ agency }} to stop holding people
for ICE without a judicial warrant and to adopt a written policy for {{ jurisdiction }}.

Sincerely,
{{ sender }}"""
RESOURCE_SUMMARIES = [
    "How detainer requests work, why honoring them exposes counties to liability, and what to ask the sheriff.",
    "Explains the 287(g) models, what the jail enforcement model costs a county and how agreements end.",
    "A letter template for boards considering a policy that limits cooperation with ICE.",
    "For families: what happens after an arrest, ICE holds, and where to find a lawyer.",
    "Step by step: which records to ask for, deadlines under state law, and appeals.",
    "A survey of state laws that limit or mandate cooperation, with citations.",
]


def pick(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()), k=1)[0]


def allocate(total, weights, minimum=0, cap=None):
    """Split `total` into integers proportional to `weights` (largest remainders), each at least `minimum`.

    With `cap`, no part is above it: what a full part cannot take goes to the others (the total stays
    exact unless every part is full).
    """
    count = len(weights)
    if count == 0:
        return []
    base = [minimum] * count
    rest = total - minimum * count
    if rest <= 0:
        return base
    whole = sum(weights)
    shares = [rest * w / whole for w in weights]
    parts = [math.floor(s) for s in shares]
    order = sorted(range(count), key=lambda i: (parts[i] - shares[i], i))
    for i in order[: rest - sum(parts)]:
        parts[i] += 1
    parts = [b + p for b, p in zip(base, parts, strict=True)]
    if cap is not None:
        spill = sum(max(0, part - cap) for part in parts)
        parts = [min(part, cap) for part in parts]
        for i in sorted(range(count), key=lambda i: (-weights[i], i)):
            room = min(spill, cap - parts[i])
            parts[i] += room
            spill -= room
    return parts


def between(rng, start, end):
    """A moment between two aware datetimes."""
    if end <= start:
        return start
    return start + timedelta(seconds=rng.randint(0, int((end - start).total_seconds())))


def aware(day, hour=0):
    return timezone.make_aware(datetime.combine(day, time(hour)))
