from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list = []

    operations = [
        migrations.CreateModel(
            name="Order",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("customer", models.CharField(max_length=100)),
                ("subtotal", models.DecimalField(decimal_places=2, max_digits=10)),
                ("coupon", models.CharField(blank=True, max_length=20)),
            ],
        ),
    ]
