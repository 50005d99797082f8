from deputies.imports import deputies_import
from deputies.management.commands._csv_import import ImportCommand


class Command(ImportCommand):
    help = "Import deputies from CSV (maslikhat,full_name,party,mandate,district,role,email,phone,reception)."
    kind = "deputies"

    def run_import(self, file, dry_run):
        return deputies_import(file, dry_run=dry_run)
