import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()
# What start-up loaded (modules, models, settings) lives as long as the worker: frozen out of the garbage
# collector's generations, a full collection — which an allocation-heavy request triggers now and then — no longer
# walks all of it (the dashboards' pages lost pauses of up to 0.5 s under load: BENCHMARKS.md, sixth session).
gc.freeze()
