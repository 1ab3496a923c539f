from django.db import migrations

MATRIX = {
    "administrator": ("Administrator", True, {"view": "all", "create": "all", "change": "all", "delete": "all", "export": "all"}),
    "sales_manager": ("Sales manager", False, {"view": "all", "create": "all", "change": "hierarchy", "delete": "hierarchy", "export": "hierarchy"}),
    "sales_rep": ("Sales rep", False, {"view": "team", "create": "own", "change": "own", "delete": "own", "export": "own"}),
    "service_agent": ("Service agent", False, {"view": "all", "create": "own", "change": "team", "export": "own"}),
    "marketing": ("Marketing", False, {"view": "all", "create": "own", "change": "own", "export": "all"}),
    "read_only": ("Read-only", False, {"view": "all"}),
}


def create_roles(apps, schema_editor):
    Role = apps.get_model("identity", "Role")
    RolePermission = apps.get_model("identity", "RolePermission")
    for key, (name, is_admin, grants) in MATRIX.items():
        role, _ = Role.objects.get_or_create(key=key, defaults={"name": name, "is_system": True, "is_admin": is_admin})
        for action, scope in grants.items():
            RolePermission.objects.get_or_create(role=role, object_type="*", action=action, defaults={"scope": scope})


class Migration(migrations.Migration):
    dependencies = [("identity", "0001_initial")]
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
