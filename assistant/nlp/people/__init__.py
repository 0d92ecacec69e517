"""People in a case: who they are, what the file calls them, and their role.

UK records name people in many ways: "Bradley STOTT", "STOTT, Bradley", "Mr Stott", "Stotty",
"S2", "SUSP2", "Suspect 2", "a male known only as 'Jinx'", first names alone in social care
notes, and mixed-case names in letters. Officers (rank + collar number + SURNAME) are neither
suspects nor witnesses and are excluded.

The pipeline runs this as its own stage, after segmentation and before any detector, and keeps
the result on ``CaseContext.people``; ``find_people(ctx)`` returns it (finding it first for a
context built without the pipeline). The passes, one module each:

- ``model.py``   ``Person`` and ``Mention``
- ``codes.py``   role labels ("IP1", "Suspect 2") and the codes a file defines in its legends
- ``names.py``   one function per way a name is printed, each text -> hits
- ``merge.py``   the registry: one person per human, labels bound to names, merging, officers out
- ``roles.py``   role votes from the words around each mention, ages, professionals
- ``finder.py``  ``PeopleFinder.run``: the passes in order; ``find_people``
"""

from assistant.nlp.people.codes import LETTER_LABEL, ROLE_LABEL, learn_role_codes, norm_label, role_label_rx
from assistant.nlp.people.finder import PeopleFinder, find_people
from assistant.nlp.people.model import Mention, Person
from assistant.nlp.people.names import (
    ALL_CAPS,
    BRACKET_NAME,
    BRACKET_QUOTED,
    FULL_CAPS,
    LABEL_QUOTED,
    MIXED,
    NICK,
    QUOTED_NICK,
    SUR_FIRST,
    TITLE_NAME,
)
from assistant.nlp.people.roles import (
    AGE_AFTER,
    AGENT_AFTER,
    AGENT_BEFORE,
    DISCLOSER_AFTER,
    HEADING_ROLE,
    INLINE_ROLE,
    PROF_AFTER,
    PROF_BEFORE,
    RELATION_AFTER,
    RELATION_BEFORE,
    ROLE_CUES,
    STRONG_CUES,
)

__all__ = [
    "AGE_AFTER", "AGENT_AFTER", "AGENT_BEFORE", "ALL_CAPS", "BRACKET_NAME", "BRACKET_QUOTED",
    "DISCLOSER_AFTER", "FULL_CAPS", "HEADING_ROLE", "INLINE_ROLE", "LABEL_QUOTED", "LETTER_LABEL",
    "MIXED", "NICK", "PROF_AFTER", "PROF_BEFORE", "QUOTED_NICK", "RELATION_AFTER", "RELATION_BEFORE",
    "ROLE_CUES", "ROLE_LABEL", "STRONG_CUES", "SUR_FIRST", "TITLE_NAME", "Mention", "PeopleFinder",
    "Person", "find_people", "learn_role_codes", "norm_label", "role_label_rx",
]
