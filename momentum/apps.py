from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with Momentum's own site (momentum/admin.py)."""

    default_site = "momentum.admin.AdminSite"
