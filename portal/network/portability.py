"""What the network module puts in a network export: its name and logo (the logo as a file beside the JSON)."""

from portal.core import portability
from portal.network.models import NetworkIdentity

portability.register(portability.Kind(
    "network_identity", "network", NetworkIdentity.__table__,
    "The network's name and logo, as an admin set them (no row: the installation's defaults).",
    fields={
        "id": "Always 1: there is one network.",
        "name": "The network's name, or null for the installation's configured name.",
        "logo": "The logo (PNG or JPEG), a file `network/network_identity/logo-1.img`, or null.",
        "logo_mime_type": "`image/png` or `image/jpeg`, or null.",
        "logo_sha256": "sha256 of the logo, hexadecimal, or null.",
        "updated_at": "When it last changed.",
        "updated_by_id": "Who changed it (`accounts/users.json`), or null.",
    },
    file_names={"logo": "logo-{id}.img"},
))
