from deputies.imports import deputies_import
from deputies.management.commands._csv_import import ImportCommand


class Command(ImportCommand):
    help = "Import deputies from CSV (maslikhat,full_name,party,mandate,district,role,email,phone,reception)."
    kind = "deputies"

    importer = staticmethod(deputies_import)
