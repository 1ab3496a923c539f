"""The sales API: one router per aggregate, each registered in `crm.sales.apps`."""
