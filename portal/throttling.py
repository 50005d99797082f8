"""DRF's throttles keyed by portal.middleware.client_ip (settings.NUM_PROXIES): the same client
address the signing limits and the audit log use. (A module of its own: rest_framework.views reads
DEFAULT_THROTTLE_CLASSES when it is imported, so these cannot live beside code importing it.)"""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from portal.middleware import client_ip


class ClientIPAnonThrottle(AnonRateThrottle):
    def get_ident(self, request):
        return client_ip(request)


class ClientIPUserThrottle(UserRateThrottle):
    def get_ident(self, request):
        return client_ip(request)
