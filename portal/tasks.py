"""Portal's periodic tasks."""

from celery import shared_task


@shared_task(ignore_result=True)
def eds_crl_refresh_task() -> dict:
    """Fetch the configured EDS CRLs into the cache (portal.eds); idempotent."""
    from portal import eds

    return eds.crls_refresh()
