from django.db import models  # noqa: F401
from petitions.recall_models import RecallGroupMember, RecallRequest, RecallRules, RecallSignature, RecallSignatureCheck, RecallTransition  # noqa: E402,F401
