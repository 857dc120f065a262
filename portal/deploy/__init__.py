"""What runs Passerelle in production: the gunicorn configuration (the README's "Deploying" section
holds the systemd units and the nginx server block that go with it)."""
