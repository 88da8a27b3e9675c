"""The admin site: Django's, which also asks for the second factor of this session.

The middleware already sends staff to the code page first; this keeps the admin closed even if a
path were ever let through (staff always need a second factor: coordination.two_factor).
"""

from django.contrib import admin
from django.http import HttpRequest

from .two_factor import second_factor_satisfied


class SammenAdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and second_factor_satisfied(request)
