from __future__ import annotations

import base64
import hashlib

import pytest

from convenor_gateway.evidence.envelope import TamperedError, new_data_key
from convenor_gateway.evidence.key_ring import (
    KeyConfigError,
    KeyRing,
    KmsKek,
    LocalKek,
    UnknownKekError,
    WrappedKey,
    new_kek_entry,
)

OLD = bytes([1]) * 32
NEW = bytes([2]) * 32
B64_OLD = base64.b64encode(OLD).decode()
B64_NEW = base64.b64encode(NEW).decode()
CONTEXT = b"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"


class TestConfiguration:
    def test_entries_are_read_newest_first(self) -> None:
        ring = KeyRing.from_config(f"k2:{B64_NEW}, k1:{B64_OLD}")
        assert ring.ids == ("k2", "k1")
        assert ring.primary_id == "k2"

    def test_a_bare_key_gets_an_id_from_its_fingerprint_so_restarts_agree(self) -> None:
        ring = KeyRing.from_config(B64_OLD)
        assert ring.ids == ("kek-" + hashlib.sha256(OLD).hexdigest()[:8],)
        assert KeyRing.from_config(B64_OLD).ids == ring.ids

    @pytest.mark.parametrize(
        "value",
        [
            "",
            "k1:",
            f"k1:{B64_OLD[:-4]}",
            f"k1:{base64.b64encode(bytes(16)).decode()}",
            f"k 1:{B64_OLD}",
            f"k1:{B64_OLD},k1:{B64_NEW}",
            f"k1:{B64_OLD},",
        ],
    )
    def test_a_bad_configuration_is_refused_without_echoing_key_material(self, value: str) -> None:
        with pytest.raises(KeyConfigError) as raised:
            KeyRing.from_config(value)
        assert B64_OLD not in str(raised.value)
        assert B64_NEW not in str(raised.value)

    def test_a_generated_entry_can_be_loaded(self) -> None:
        entry = new_kek_entry("dev-2025")
        assert KeyRing.from_config(entry).ids == ("dev-2025",)
        with pytest.raises(KeyConfigError):
            new_kek_entry("no spaces allowed")

    def test_key_material_never_shows_in_a_repr(self) -> None:
        assert B64_OLD not in repr(KeyRing.from_config(f"k1:{B64_OLD}")._keks)
        assert repr(OLD) not in repr(LocalKek("k1", OLD))


class TestWrapping:
    def test_a_wrapped_key_unwraps_with_the_same_context(self) -> None:
        ring = KeyRing.from_config(f"k1:{B64_OLD}")
        data_key = new_data_key()
        wrapped = ring.wrap(data_key, context=CONTEXT)
        assert wrapped.kek_id == "k1"
        assert data_key not in wrapped.blob
        assert ring.unwrap(wrapped, context=CONTEXT) == data_key

    def test_another_requests_context_does_not_unwrap(self) -> None:
        ring = KeyRing.from_config(f"k1:{B64_OLD}")
        wrapped = ring.wrap(new_data_key(), context=CONTEXT)
        with pytest.raises(TamperedError):
            ring.unwrap(wrapped, context=b"another request")

    def test_a_changed_blob_or_relabelled_kek_does_not_unwrap(self) -> None:
        ring = KeyRing.from_config(f"k1:{B64_OLD},k2:{B64_OLD}")
        wrapped = ring.wrap(new_data_key(), context=CONTEXT)
        changed = WrappedKey("k1", wrapped.blob[:-1] + bytes([wrapped.blob[-1] ^ 1]))
        with pytest.raises(TamperedError):
            ring.unwrap(changed, context=CONTEXT)
        with pytest.raises(TamperedError):  # same key material, another id: the id is bound in
            ring.unwrap(WrappedKey("k2", wrapped.blob), context=CONTEXT)
        with pytest.raises(TamperedError):
            ring.unwrap(WrappedKey("k1", b"short"), context=CONTEXT)

    def test_after_rotation_the_new_kek_wraps_and_the_old_still_unwraps(self) -> None:
        before = KeyRing.from_config(f"k1:{B64_OLD}")
        old_wrapped = before.wrap(b"k" * 32, context=CONTEXT)
        after = KeyRing.from_config(f"k2:{B64_NEW},k1:{B64_OLD}")
        assert after.wrap(b"x" * 32).kek_id == "k2"
        assert after.unwrap(old_wrapped, context=CONTEXT) == b"k" * 32

    def test_a_retired_kek_no_longer_unwraps_what_it_wrapped(self) -> None:
        old_wrapped = KeyRing.from_config(f"k1:{B64_OLD}").wrap(b"k" * 32)
        retired = KeyRing.from_config(f"k2:{B64_NEW}")
        with pytest.raises(UnknownKekError, match="k1"):
            retired.unwrap(old_wrapped)

    def test_the_text_form_round_trips_even_for_kms_ids(self) -> None:
        for wrapped in (WrappedKey("k1", b"\x00" * 60), WrappedKey("kms:arn:aws:kms:x", b"abc")):
            assert WrappedKey.from_text(wrapped.to_text()) == wrapped
        for text in ("", "v2:k1:AAAA", "v1:k1:", "v1::AAAA", "v1:k1:not base64!"):
            with pytest.raises(TamperedError):
                WrappedKey.from_text(text)


class TestKmsHook:
    def test_a_kms_reference_loads_but_wrapping_through_it_is_not_implemented(self) -> None:
        ring = KeyRing.from_config(f"kms:projects/p/keys/k, k1:{B64_OLD}")
        assert ring.ids == ("kms:projects/p/keys/k", "k1")
        with pytest.raises(NotImplementedError, match="KMS"):
            ring.wrap(new_data_key())
        with pytest.raises(NotImplementedError, match="KMS"):
            ring.unwrap(WrappedKey("kms:projects/p/keys/k", b"blob"))

    def test_local_keks_still_unwrap_beside_a_kms_reference(self) -> None:
        wrapped = KeyRing.from_config(f"k1:{B64_OLD}").wrap(b"k" * 32)
        ring = KeyRing([KmsKek("kms:ref"), LocalKek("k1", OLD)])
        assert ring.unwrap(wrapped) == b"k" * 32
