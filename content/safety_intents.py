"""The three safety intents, named once for everything that reads them.

The safety nets (nlu_components/safety_net.py, semantic_safety_net.py) and DIET predict
them; data/rules.yml answers them with 911, 988 or Poison Control before anything else,
even while a member of staff holds the conversation (channels/safety_during_takeover.py);
the staff app highlights and labels them (review/live_data.py, review/labels.py). Plain
names, no imports: the staff app reads them without loading spaCy.
"""

from __future__ import annotations

EMERGENCY_INTENT = "report_emergency"  # someone may be overdosing now: 911
CRISIS_INTENT = "express_crisis"  # thoughts of suicide: 988
EXTRA_DOSE_INTENT = "report_accidental_extra_dose"  # a double dose by mistake: Poison Control
# Most urgent first: when a message is more than one, the emergency wins, then the crisis.
SAFETY_INTENTS = (EMERGENCY_INTENT, CRISIS_INTENT, EXTRA_DOSE_INTENT)
# The two whose scripts start with both 911 and 988. A guess of either that a message was not
# routed to still puts both numbers before its reply (the caution line, semantic_safety_net.py).
ALARM_INTENTS = (EMERGENCY_INTENT, CRISIS_INTENT)
