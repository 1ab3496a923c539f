"""The sales API's request and response schemas, one module per aggregate."""
