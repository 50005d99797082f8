from deputies.imports import districts_import
from deputies.management.commands._csv_import import ImportCommand


class Command(ImportCommand):
    help = "Import electoral districts and address coverage from CSV (maslikhat,district,settlement,street,houses)."
    kind = "districts"

    importer = staticmethod(districts_import)
