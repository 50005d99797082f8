"""The recall models arrive from petitions (petitions/0006 removed them from its state). State only:
the tables keep their names (petitions_recall*, set as db_table) and their rows; nothing is
created, renamed or copied. The fields are exactly as petitions left them; later migrations of
this app change them."""

import django.db.models.deletion
import django.db.models.expressions
import django.utils.timezone
import portal.crypto
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('deputies', '0004_address_coverage'),
        ('petitions', '0006_recall_models_move_to_recalls'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='RecallRules',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('legal_reference', models.CharField(max_length=300, verbose_name='legal reference')),
                        ('effective_from', models.DateField(unique=True, verbose_name='in force from')),
                        ('note', models.TextField(blank=True, verbose_name="operator's note")),
                        ('min_group_size', models.PositiveSmallIntegerField(default=10, verbose_name='minimum initiative group size')),
                        ('min_group_size_unconfirmed', models.BooleanField(default=True, verbose_name='group size unconfirmed')),
                        ('group_forming_working_days', models.PositiveSmallIntegerField(default=20, help_text='A group that does not reach the minimum size in this time lapses.', verbose_name='working days to form the initiative group')),
                        ('group_forming_unconfirmed', models.BooleanField(default=True, verbose_name='group forming period unconfirmed')),
                        ('registration_review_working_days', models.PositiveSmallIntegerField(default=10, verbose_name='working days for the commission to register the group')),
                        ('registration_review_unconfirmed', models.BooleanField(default=True, verbose_name='registration deadline unconfirmed')),
                        ('signature_threshold_percent', models.DecimalField(decimal_places=2, default=30, max_digits=5, verbose_name="signatures needed, percent of the district's registered voters")),
                        ('signature_threshold_unconfirmed', models.BooleanField(default=True, verbose_name='signature threshold unconfirmed')),
                        ('collection_working_days', models.PositiveSmallIntegerField(default=40, verbose_name='longest collection period (working days)')),
                        ('collection_unconfirmed', models.BooleanField(default=True, verbose_name='collection period unconfirmed')),
                        ('bar_first_months', models.PositiveSmallIntegerField(default=12, verbose_name='no recall in the first months of the term')),
                        ('bar_last_months', models.PositiveSmallIntegerField(default=12, verbose_name='no recall in the last months of the term')),
                        ('term_bar_unconfirmed', models.BooleanField(default=True, verbose_name='first/last year bar unconfirmed')),
                        ('term_years', models.PositiveSmallIntegerField(default=5, verbose_name='term of office (years)')),
                        ('term_years_unconfirmed', models.BooleanField(default=False, verbose_name='term unconfirmed')),
                        ('min_voter_age', models.PositiveSmallIntegerField(default=18, verbose_name='minimum voter age')),
                        ('min_voter_age_unconfirmed', models.BooleanField(default=False, verbose_name='voter age unconfirmed')),
                        ('verification_working_days', models.PositiveSmallIntegerField(default=15, verbose_name='working days for the commission to verify signatures')),
                        ('verification_unconfirmed', models.BooleanField(default=True, verbose_name='verification deadline unconfirmed')),
                        ('sample_margin_percent', models.DecimalField(decimal_places=2, default=3, max_digits=4, verbose_name='random sample: margin of error (%) at 95% confidence')),
                        ('sample_unconfirmed', models.BooleanField(default=True, verbose_name='sampling method unconfirmed')),
                        ('turnout_min_numerator', models.PositiveSmallIntegerField(default=1, verbose_name='valid vote: turnout at least (numerator)')),
                        ('turnout_min_denominator', models.PositiveSmallIntegerField(default=3, verbose_name='valid vote: turnout at least (denominator)')),
                        ('turnout_unconfirmed', models.BooleanField(default=False, verbose_name='turnout rule unconfirmed')),
                        ('recall_majority_percent', models.DecimalField(decimal_places=2, default=50, max_digits=5, verbose_name='recalled when more than this percentage of those voting agree')),
                        ('majority_unconfirmed', models.BooleanField(default=False, verbose_name='majority rule unconfirmed')),
                        ('retention_days', models.PositiveSmallIntegerField(default=90, verbose_name='days to keep IINs and addresses after the procedure ends')),
                        ('retention_unconfirmed', models.BooleanField(default=True, verbose_name='retention period unconfirmed')),
                    ],
                    options={
                        'verbose_name': 'recall rules',
                        'verbose_name_plural': 'recall rules',
                        'ordering': ['-effective_from'],
                        'constraints': [models.CheckConstraint(condition=models.Q(('turnout_min_denominator__gt', 0), ('turnout_min_numerator__lte', models.F('turnout_min_denominator'))), name='recall_rules_turnout_fraction'), models.CheckConstraint(condition=models.Q(('signature_threshold_percent__gt', 0), ('signature_threshold_percent__lte', 100), ('recall_majority_percent__gte', 0), ('recall_majority_percent__lt', 100), ('sample_margin_percent__gt', 0)), name='recall_rules_percentages'), models.CheckConstraint(condition=models.Q(('collection_working_days__gte', 1), ('min_group_size__gte', 1), ('term_years__gte', 1)), name='recall_rules_positive')],
                        'indexes': [],
                        'db_table': 'petitions_recallrules',
                    },
                ),
                migrations.CreateModel(
                    name='RecallRequest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('group_forming', 'Initiative group forming'), ('registration_review', 'Registration review by the election commission'), ('collecting', 'Collecting signatures'), ('verification', 'Signatures under verification'), ('vote_pending', 'Recall vote called'), ('recalled', 'Deputy recalled'), ('not_recalled', 'Deputy not recalled'), ('vote_invalid', 'Vote invalid: turnout too low'), ('insufficient', 'Not enough valid signatures'), ('refused', 'Registration refused'), ('lapsed', 'Lapsed'), ('withdrawn', 'Withdrawn by the initiative group')], default='group_forming', max_length=24, verbose_name='status')),
                        ('ground', models.CharField(choices=[('loss_of_confidence', "Loss of voters' confidence"), ('programme_unfulfilled', 'Election programme not fulfilled')], max_length=30, verbose_name='ground')),
                        ('grounds', models.TextField(verbose_name='statement of grounds')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('group_due_on', models.DateField(blank=True, null=True, verbose_name='initiative group to be formed by')),
                        ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='submitted for registration')),
                        ('registration_due_on', models.DateField(blank=True, null=True, verbose_name='registration decision due')),
                        ('registered_on', models.DateField(blank=True, null=True, verbose_name='registered on')),
                        ('collection_ends_on', models.DateField(blank=True, null=True, verbose_name='collection ends on')),
                        ('verification_due_on', models.DateField(blank=True, null=True, verbose_name='verification due')),
                        ('registered_voters', models.PositiveIntegerField(blank=True, null=True, verbose_name='registered voters of the district')),
                        ('signature_threshold', models.PositiveIntegerField(blank=True, null=True, verbose_name='signatures needed')),
                        ('group_size', models.PositiveSmallIntegerField(default=0, verbose_name='initiative group size')),
                        ('final_signatures_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='signatures collected')),
                        ('valid_signatures_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='valid signatures')),
                        ('invalid_signatures_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='invalid signatures')),
                        ('verification_mode', models.CharField(choices=[('full', 'Every signature'), ('sample', 'Random sample')], default='full', max_length=10, verbose_name='verification mode')),
                        ('sample_size', models.PositiveIntegerField(blank=True, null=True, verbose_name='sample size')),
                        ('vote_held_on', models.DateField(blank=True, null=True, verbose_name='vote held on')),
                        ('vote_voters', models.PositiveIntegerField(blank=True, null=True, verbose_name='voters on the list')),
                        ('vote_turnout', models.PositiveIntegerField(blank=True, null=True, verbose_name='voters who took part')),
                        ('votes_for', models.PositiveIntegerField(blank=True, null=True, verbose_name='votes for the recall')),
                        ('votes_against', models.PositiveIntegerField(blank=True, null=True, verbose_name='votes against the recall')),
                        ('refusal_reason', models.TextField(blank=True, verbose_name='reason for refusal')),
                        ('deputy_reply', models.TextField(blank=True, verbose_name="deputy's reply")),
                        ('deputy_reply_at', models.DateTimeField(blank=True, null=True)),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='procedure ended on')),
                        ('purged_at', models.DateTimeField(blank=True, null=True, verbose_name='personal data purged at')),
                        ('is_demo', models.BooleanField(default=False, verbose_name='demo data')),
                        ('deputy', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recall_requests', to='deputies.deputy')),
                        ('district', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recall_requests', to='deputies.electoraldistrict')),
                        ('initiator', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='recalls_initiated', to=settings.AUTH_USER_MODEL)),
                        ('maslikhat', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='recall_requests', to='deputies.maslikhat')),
                        ('rules', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='recalls.recallrules')),
                    ],
                    options={
                        'verbose_name': 'recall request',
                        'verbose_name_plural': 'recall requests',
                        'ordering': ['-created_at', '-pk'],
                        'indexes': [models.Index(fields=['status', 'collection_ends_on'], name='petitions_r_status_79fca9_idx'), models.Index(fields=['ended_on', 'purged_at'], name='petitions_r_ended_o_674a79_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['recalled', 'not_recalled', 'vote_invalid', 'insufficient', 'refused', 'lapsed', 'withdrawn']), _negated=True), fields=('deputy',), name='recall_one_open_per_deputy'), models.CheckConstraint(condition=models.Q(models.Q(('ended_on__isnull', False), ('status__in', ['recalled', 'not_recalled', 'vote_invalid', 'insufficient', 'refused', 'lapsed', 'withdrawn'])), models.Q(models.Q(('status__in', ['recalled', 'not_recalled', 'vote_invalid', 'insufficient', 'refused', 'lapsed', 'withdrawn']), _negated=True), ('ended_on__isnull', True)), _connector='OR'), name='recall_ended_iff_terminal'), models.CheckConstraint(condition=models.Q(models.Q(('status', 'refused'), _negated=True), models.Q(('refusal_reason', ''), _negated=True), _connector='OR'), name='recall_refusal_has_reason'), models.CheckConstraint(condition=models.Q(('vote_turnout__isnull', True), ('vote_turnout__lte', models.F('vote_voters')), _connector='OR'), name='recall_turnout_within_list'), models.CheckConstraint(condition=models.Q(('votes_for__isnull', True), ('votes_for__lte', django.db.models.expressions.CombinedExpression(models.F('vote_turnout'), '-', models.F('votes_against'))), _connector='OR'), name='recall_votes_within_turnout'), models.CheckConstraint(condition=models.Q(('valid_signatures_count__isnull', True), ('valid_signatures_count__lte', models.F('final_signatures_count')), _connector='OR'), name='recall_valid_within_collected')],
                        'db_table': 'petitions_recallrequest',
                    },
                ),
                migrations.CreateModel(
                    name='RecallGroupMember',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('full_name', models.CharField(max_length=200, verbose_name='full name')),
                        ('iin', portal.crypto.EncryptedTextField(verbose_name='IIN')),
                        ('iin_hash', models.CharField(max_length=64)),
                        ('address', portal.crypto.EncryptedTextField(verbose_name='address')),
                        ('is_initiator', models.BooleanField(default=False, verbose_name='initiator')),
                        ('joined_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recall', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='members', to='recalls.recallrequest')),
                    ],
                    options={
                        'verbose_name': 'initiative group member',
                        'verbose_name_plural': 'initiative group members',
                        'ordering': ['-is_initiator', 'joined_at', 'pk'],
                        'constraints': [models.UniqueConstraint(fields=('recall', 'iin_hash'), name='recall_member_one_per_iin'), models.UniqueConstraint(fields=('recall', 'user'), name='recall_member_one_per_user'), models.UniqueConstraint(condition=models.Q(('is_initiator', True)), fields=('recall',), name='recall_one_initiator')],
                        'indexes': [],
                        'db_table': 'petitions_recallgroupmember',
                    },
                ),
                migrations.CreateModel(
                    name='RecallSignature',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('iin', portal.crypto.EncryptedTextField(verbose_name='IIN')),
                        ('iin_hash', models.CharField(max_length=64)),
                        ('address', portal.crypto.EncryptedTextField(verbose_name='address')),
                        ('signed_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('result', models.CharField(choices=[('pending', 'Not checked'), ('valid', 'Valid'), ('invalid', 'Invalid')], default='pending', max_length=10, verbose_name='verification')),
                        ('invalid_reason', models.CharField(blank=True, choices=[('not_a_voter', "Not on the district's voter list"), ('wrong_address', 'Address outside the district'), ('identity', 'IIN does not match the person'), ('underage', 'Under voting age'), ('deceased', 'Deceased or no longer registered'), ('other', 'Other reason')], max_length=20, verbose_name='reason')),
                        ('in_sample', models.BooleanField(default=False, verbose_name='in the random sample')),
                        ('recall', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='signatures', to='recalls.recallrequest')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'recall signature',
                        'verbose_name_plural': 'recall signatures',
                        'ordering': ['signed_at', 'pk'],
                        'indexes': [models.Index(fields=['recall', 'result'], name='petitions_r_recall__642059_idx')],
                        'constraints': [models.UniqueConstraint(fields=('recall', 'iin_hash'), name='recall_signature_one_per_iin'), models.UniqueConstraint(fields=('recall', 'user'), name='recall_signature_one_per_user'), models.CheckConstraint(condition=models.Q(models.Q(('invalid_reason__gt', ''), ('result', 'invalid')), models.Q(models.Q(('result', 'invalid'), _negated=True), ('invalid_reason', '')), _connector='OR'), name='recall_signature_reason_iff_invalid')],
                        'db_table': 'petitions_recallsignature',
                    },
                ),
                migrations.CreateModel(
                    name='RecallSignatureCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('result', models.CharField(choices=[('pending', 'Not checked'), ('valid', 'Valid'), ('invalid', 'Invalid')], max_length=10)),
                        ('invalid_reason', models.CharField(blank=True, choices=[('not_a_voter', "Not on the district's voter list"), ('wrong_address', 'Address outside the district'), ('identity', 'IIN does not match the person'), ('underage', 'Under voting age'), ('deceased', 'Deceased or no longer registered'), ('other', 'Other reason')], max_length=20)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('signature', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='checks', to='recalls.recallsignature')),
                    ],
                    options={
                        'ordering': ['created_at', 'pk'],
                        'indexes': [],
                        'constraints': [],
                        'db_table': 'petitions_recallsignaturecheck',
                    },
                ),
                migrations.CreateModel(
                    name='RecallTransition',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('from_status', models.CharField(blank=True, choices=[('group_forming', 'Initiative group forming'), ('registration_review', 'Registration review by the election commission'), ('collecting', 'Collecting signatures'), ('verification', 'Signatures under verification'), ('vote_pending', 'Recall vote called'), ('recalled', 'Deputy recalled'), ('not_recalled', 'Deputy not recalled'), ('vote_invalid', 'Vote invalid: turnout too low'), ('insufficient', 'Not enough valid signatures'), ('refused', 'Registration refused'), ('lapsed', 'Lapsed'), ('withdrawn', 'Withdrawn by the initiative group')], max_length=24)),
                        ('to_status', models.CharField(choices=[('group_forming', 'Initiative group forming'), ('registration_review', 'Registration review by the election commission'), ('collecting', 'Collecting signatures'), ('verification', 'Signatures under verification'), ('vote_pending', 'Recall vote called'), ('recalled', 'Deputy recalled'), ('not_recalled', 'Deputy not recalled'), ('vote_invalid', 'Vote invalid: turnout too low'), ('insufficient', 'Not enough valid signatures'), ('refused', 'Registration refused'), ('lapsed', 'Lapsed'), ('withdrawn', 'Withdrawn by the initiative group')], max_length=24)),
                        ('note', models.TextField(blank=True)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('actor', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('recall', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='transitions', to='recalls.recallrequest')),
                    ],
                    options={
                        'ordering': ['created_at', 'pk'],
                        'indexes': [],
                        'constraints': [],
                        'db_table': 'petitions_recalltransition',
                    },
                ),
            ],
        ),
    ]

