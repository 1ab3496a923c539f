"""The built-in dashboards (crm/analytics/dashboards/defaults.py): a home per role and the company overview."""

from django.db import migrations

# frozen here: later changes to defaults.py must not rewrite history
BUILTIN = {
    "rep": ("My sales", "sales_rep", [
        {"key": "pipeline_by_stage", "settings": {"mine": True, "measure": "amount"}},
        {"key": "forecast_vs_quota", "settings": {"mine": True, "group_by": "month"}},
        {"key": "won_lost", "settings": {"mine": True}},
        {"key": "win_rate", "settings": {"mine": True}},
        {"key": "activities_by_owner", "settings": {"mine": True}},
    ]),
    "manager": ("My team", "sales_manager", [
        {"key": "pipeline_by_stage", "settings": {"mine": False, "measure": "amount"}},
        {"key": "win_rate", "settings": {"mine": False}},
        {"key": "forecast_vs_quota", "settings": {"mine": False, "group_by": "owner"}},
        {"key": "average_deal_size", "settings": {"mine": False}},
        {"key": "sales_cycle", "settings": {"mine": False}},
        {"key": "lifecycle_durations", "settings": {"mine": False}},
        {"key": "activities_by_owner", "settings": {"mine": False}},
    ]),
    "admin": ("Company", "administrator", [
        {"key": "pipeline_by_stage", "settings": {"mine": False, "measure": "amount"}},
        {"key": "won_lost", "settings": {"mine": False}},
        {"key": "win_rate", "settings": {"mine": False}},
        {"key": "average_deal_size", "settings": {"mine": False}},
        {"key": "sales_cycle", "settings": {"mine": False}},
        {"key": "forecast_vs_quota", "settings": {"mine": False, "group_by": "owner"}},
        {"key": "customers", "settings": {"mine": False, "days": 90}},
        {"key": "revenue_by_product", "settings": {"mine": False, "limit": 10}},
        {"key": "revenue_by_territory", "settings": {"mine": False}},
        {"key": "activities_by_owner", "settings": {"mine": False}},
        {"key": "lifecycle_durations", "settings": {"mine": False}},
    ]),
    "company": ("Company overview", None, [
        {"key": "pipeline_by_stage", "settings": {"mine": False, "measure": "amount"}},
        {"key": "won_lost", "settings": {"mine": False}},
        {"key": "win_rate", "settings": {"mine": False}},
        {"key": "customers", "settings": {"mine": False, "days": 90}},
        {"key": "revenue_by_product", "settings": {"mine": False, "limit": 10}},
        {"key": "revenue_by_territory", "settings": {"mine": False}},
    ]),
}


def create(apps, schema_editor):
    Dashboard = apps.get_model("analytics_dashboards", "Dashboard")
    Role = apps.get_model("identity", "Role")
    for key, (name, role_key, widgets) in BUILTIN.items():
        if Dashboard.objects.filter(builtin=key).exists():
            continue
        role = Role.objects.filter(key=role_key).first() if role_key else None
        if role_key and role is None:
            continue
        Dashboard.objects.create(
            name=name,
            builtin=key,
            visibility="role" if role else "everyone",
            role=role,
            is_home=role is not None,
            widgets=widgets,
        )


def remove(apps, schema_editor):
    apps.get_model("analytics_dashboards", "Dashboard").objects.filter(owner__isnull=True).exclude(builtin="").delete()


class Migration(migrations.Migration):
    dependencies = [("analytics_dashboards", "0001_dashboards"), ("identity", "0002_default_roles")]
    operations = [migrations.RunPython(create, remove)]
