"""The register's state replayed dossier by dossier, refusing any event the state forbids."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from .model import Certificate, Dossier, Mortgage, Parcel, Right, Ward

TRANSFERS = ("sale", "gift", "inheritance")


class InvalidDossierError(ValueError):
    """A dossier that the register, as it stands, cannot apply."""


def shares_total(right: Right) -> Fraction:
    """Sum of a right's holder shares."""
    return sum((Fraction(n, d) for _, n, d in right.holders), Fraction(0))


def holder_set(right: Right) -> frozenset[tuple[str, Fraction]]:
    """Holders with their shares, independent of order."""
    return frozenset((k, Fraction(n, d)) for k, n, d in right.holders)


class RegisterState:
    """Current parcels, rights, certificates and mortgages after the dossiers applied so far."""

    def __init__(
        self,
        parcels: Iterable[Parcel],
        rights: Iterable[Right],
        certificates: Iterable[Certificate],
    ) -> None:
        self.parcels: dict[str, Parcel] = {p.key: p for p in parcels}
        self.rights: dict[str, Right] = {r.parcel_key: r for r in rights}
        self.certificates: dict[str, Certificate] = {}
        for cert in certificates:
            for key in cert.parcel_keys:
                self.certificates[key] = cert
        self.mortgages: dict[str, Mortgage] = {}
        self.mortgage_on: dict[str, str] = {}
        self.last_number: dict[tuple[str, int], int] = {}
        for p in self.parcels.values():
            sheet = (p.commune_code, p.sheet_number)
            self.last_number[sheet] = max(self.last_number.get(sheet, 0), p.parcel_number)
        self.last_decided = None

    def apply(self, d: Dossier) -> None:
        """Check the dossier against the current state, then apply it."""
        if self.last_decided is not None and d.decided < self.last_decided:
            raise InvalidDossierError(f"{d.key}: decided before the previous dossier")
        if d.decided < d.received:
            raise InvalidDossierError(f"{d.key}: decided before it was received")
        for key in d.parcel_keys:
            self._require_current(d, key)
        handler = getattr(self, f"_apply_{d.kind}", None)
        if handler is None:
            raise InvalidDossierError(f"{d.key}: unknown kind {d.kind}")
        handler(d)
        self.last_decided = d.decided

    def _require_current(self, d: Dossier, key: str) -> None:
        """The parcel exists now (not split or merged away)."""
        if key not in self.parcels:
            raise InvalidDossierError(f"{d.key}: parcel {key} is not current")

    def _require_free(self, d: Dossier, key: str) -> None:
        """The parcel carries no mortgage (a transfer or split needs it released first)."""
        if key in self.mortgage_on:
            raise InvalidDossierError(f"{d.key}: parcel {key} is mortgaged")

    def _replace_rights(self, d: Dossier) -> None:
        """End the named rights and register the new ones, each summing to one."""
        ended = {self.rights[k].key for k in d.parcel_keys if k in self.rights}
        if set(d.ended_right_keys) != ended:
            raise InvalidDossierError(f"{d.key}: ends {d.ended_right_keys}, current {ended}")
        for key in d.parcel_keys:
            self.rights.pop(key, None)
        for right in d.new_rights:
            if shares_total(right) != 1:
                raise InvalidDossierError(f"{d.key}: shares of {right.key} do not sum to 1")
            if right.parcel_key not in self.parcels or right.dossier_key != d.key:
                raise InvalidDossierError(f"{d.key}: right {right.key} on an unknown parcel")
            self.rights[right.parcel_key] = right

    def _replace_certificates(self, d: Dossier) -> None:
        """Cancel the parcels' certificates and register the new ones."""
        current = {self.certificates[k].serial for k in d.parcel_keys if k in self.certificates}
        if set(d.cancelled_serials) != current:
            raise InvalidDossierError(f"{d.key}: cancels {d.cancelled_serials}, current {current}")
        for key in d.parcel_keys:
            cert = self.certificates.get(key)
            if cert is not None:
                for covered in cert.parcel_keys:
                    self.certificates.pop(covered, None)
        for cert in d.certificates:
            for key in cert.parcel_keys:
                if key not in self.parcels:
                    raise InvalidDossierError(f"{d.key}: certificate for unknown parcel {key}")
                self.certificates[key] = cert

    def _add_parcels(self, d: Dossier) -> None:
        """Retire the parents and add the new parcels with the next free numbers."""
        for key in d.retired_parcel_keys:
            self._require_free(d, key)
            del self.parcels[key]
        for p in d.new_parcels:
            sheet = (p.commune_code, p.sheet_number)
            if p.key in self.parcels or p.parcel_number <= self.last_number.get(sheet, 0):
                raise InvalidDossierError(f"{d.key}: {p.key} reuses a key or parcel number")
            self.last_number[sheet] = p.parcel_number
            self.parcels[p.key] = p

    def _apply_first_registration(self, d: Dossier) -> None:
        """First registration: already in the initial state."""

    def _apply_transfer(self, d: Dossier) -> None:
        """Sale, gift or inheritance of one parcel to new holders."""
        if len(d.parcel_keys) != 1 or len(d.new_rights) != 1:
            raise InvalidDossierError(f"{d.key}: a transfer concerns exactly one parcel")
        self._require_free(d, d.parcel_keys[0])
        self._replace_rights(d)
        self._replace_certificates(d)

    _apply_sale = _apply_gift = _apply_inheritance = _apply_transfer

    def _apply_mortgage(self, d: Dossier) -> None:
        """Register a mortgage on unencumbered parcels."""
        m = d.mortgage
        if m is None or m.parcel_keys != d.parcel_keys or m.dossier_key != d.key:
            raise InvalidDossierError(f"{d.key}: mortgage payload does not match the dossier")
        for key in m.parcel_keys:
            self._require_free(d, key)
            self.mortgage_on[key] = m.key
        self.mortgages[m.key] = m

    def _apply_mortgage_release(self, d: Dossier) -> None:
        """Release an active mortgage."""
        m = self.mortgages.pop(d.released_mortgage_key or "", None)
        if m is None or set(m.parcel_keys) != set(d.parcel_keys):
            raise InvalidDossierError(f"{d.key}: no such active mortgage on these parcels")
        for key in m.parcel_keys:
            del self.mortgage_on[key]

    def _apply_split(self, d: Dossier) -> None:
        """One parcel into two children with the parent's holders."""
        if len(d.parcel_keys) != 1 or d.retired_parcel_keys != d.parcel_keys:
            raise InvalidDossierError(f"{d.key}: a split retires exactly its one parcel")
        if len(d.new_parcels) != 2:
            raise InvalidDossierError(f"{d.key}: a split makes two parcels")
        parent_right = self.rights[d.parcel_keys[0]]
        if any(holder_set(r) != holder_set(parent_right) for r in d.new_rights):
            raise InvalidDossierError(f"{d.key}: split children must keep the parent's holders")
        self._restructure(d)

    def _apply_merge(self, d: Dossier) -> None:
        """Two parcels with the same holders into one."""
        if len(d.parcel_keys) != 2 or set(d.retired_parcel_keys) != set(d.parcel_keys):
            raise InvalidDossierError(f"{d.key}: a merge retires exactly its two parcels")
        a, b = (self.rights[k] for k in d.parcel_keys)
        if holder_set(a) != holder_set(b) or len(d.new_parcels) != 1:
            raise InvalidDossierError(f"{d.key}: merged parcels must have the same holders")
        self._restructure(d)

    def _restructure(self, d: Dossier) -> None:
        """Shared part of split and merge: certificates, parcels, then rights."""
        ended = {self.rights[k].key for k in d.parcel_keys}
        if set(d.ended_right_keys) != ended:
            raise InvalidDossierError(f"{d.key}: must end the parents' rights")
        self._add_parcels(d)
        self._replace_certificates(d)
        for key in d.parcel_keys:
            del self.rights[key]
        if {r.parcel_key for r in d.new_rights} != {p.key for p in d.new_parcels}:
            raise InvalidDossierError(f"{d.key}: each new parcel needs one right")
        for right in d.new_rights:
            if shares_total(right) != 1:
                raise InvalidDossierError(f"{d.key}: shares of {right.key} do not sum to 1")
            self.rights[right.parcel_key] = right

    def _revise(self, d: Dossier) -> None:
        """Replace parcels by revised versions keeping their identity."""
        for p in d.revised_parcels:
            old = self.parcels[p.key]
            same_id = (p.commune_code, p.sheet_number, p.parcel_number) == (
                old.commune_code,
                old.sheet_number,
                old.parcel_number,
            )
            if not same_id or p.key not in d.parcel_keys:
                raise InvalidDossierError(f"{d.key}: revision of {p.key} changes its identity")
            self.parcels[p.key] = p

    def _apply_resurvey(self, d: Dossier) -> None:
        """New geometry for two neighbours whose shared boundary was re-surveyed."""
        if len(d.revised_parcels) != 2:
            raise InvalidDossierError(f"{d.key}: a re-survey revises two neighbours")
        self._revise(d)

    def _apply_land_use_change(self, d: Dossier) -> None:
        """New land-use purposes for one parcel."""
        if len(d.revised_parcels) != 1:
            raise InvalidDossierError(f"{d.key}: a land-use change revises one parcel")
        self._revise(d)


def replay(ward: Ward) -> RegisterState:
    """Apply every dossier of the ward in order; raise InvalidDossierError on the first bad one."""
    state = RegisterState(ward.parcels, ward.rights, ward.certificates)
    for dossier in ward.dossiers:
        state.apply(dossier)
    return state


def current_parcels(ward: Ward) -> list[Parcel]:
    """Parcels as they stand after all dossiers."""
    return list(replay(ward).parcels.values())
