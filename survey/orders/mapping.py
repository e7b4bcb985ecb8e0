"""Which column of an order-log file holds which order-frame field.

A mapping comes from the command line (``--customer COL --date COL --amount COL``
...) or from a small YAML file (``--mapping MAP.yaml``)::

    customer_id: Kundennummer
    date: Bestelldatum
    amount: Betrag
    order_id: Auftrag        # optional, as are channel, segment, group_order, quantity
    date_format: "%d.%m.%Y"  # optional strftime format; default ISO 8601
    max_amount: 5.0e+10      # optional largest absolute order amount; default 1e9

A field left out is looked for under its own name (``customer_id``, ``date``, ...).

Examples
--------
>>> ColumnMapping.from_dict({"customer_id": "client", "amount": "total"}).columns()
{'customer_id': 'client', 'date': 'date', 'amount': 'total'}
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from survey.errors import DataError
from survey.orders.frame import COLUMNS, OPTIONAL, REQUIRED
from survey.redact import preview
from survey.yaml_safe import YamlError, load_yaml_file

#: Keys a mapping file may have.
MAPPING_KEYS: tuple[str, ...] = (*COLUMNS, "date_format", "max_amount")


@dataclass(frozen=True)
class ColumnMapping:
    """File column per order-frame field, and how dates are written.

    Attributes
    ----------
    customer_id, date, amount : str
        File columns of the required fields (default: the field's own name).
    order_id, channel, segment, group_order, quantity : str or None
        File columns of the optional fields; None looks for a column of the field's
        own name and leaves the field out if there is none.
    date_format : str or None
        A ``strftime`` format such as ``"%Y%m%d"``; None reads ISO 8601 dates
        (``2024-01-31``, ``2024-01-31 13:45``).
    max_amount : float or None
        Largest absolute order amount of this log (a currency with small units may
        need more); None takes :data:`survey.orders.cleaning.MAX_AMOUNT` (1e9).
    source : str
        Where the mapping came from, for error messages.
    """

    customer_id: str = "customer_id"
    date: str = "date"
    amount: str = "amount"
    order_id: str | None = None
    channel: str | None = None
    segment: str | None = None
    group_order: str | None = None
    quantity: str | None = None
    date_format: str | None = None
    max_amount: float | None = None
    source: str = field(default="the column mapping", compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any], source: str = "the column mapping") -> ColumnMapping:
        """A mapping from ``{field: column}``; unknown keys are an error.

        Parameters
        ----------
        data : dict
            Field → file column, plus an optional ``date_format`` and ``max_amount``.
        source : str
            Where it came from (a file name), for error messages.

        Returns
        -------
        ColumnMapping

        Raises
        ------
        DataError
            If a key is not a field, a value is not a non-empty text, or
            ``max_amount`` is not a positive number.

        Examples
        --------
        >>> ColumnMapping.from_dict({"customer": "id"}, source="map.yaml")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        survey.errors.DataError: map.yaml: unknown key(s) ['customer']; allowed: [...]
        """
        unknown = [key for key in data if key not in MAPPING_KEYS]
        if unknown:
            raise DataError(f"{source}: unknown key(s) {unknown}; allowed: {list(MAPPING_KEYS)}")
        clean: dict[str, Any] = {}
        for key, value in data.items():
            if value is None:
                continue
            if key == "max_amount":
                clean[key] = _positive_number(value, key, source)
                continue
            if isinstance(value, bool) or not isinstance(value, str | int) or not str(value):
                raise DataError(f"{source}: {key}: {preview(value)} is not a column name")
            clean[key] = str(value)
        return cls(**clean, source=source)

    def columns(self) -> dict[str, str]:
        """Field → file column of the fields that are mapped (required always).

        Returns
        -------
        dict

        Examples
        --------
        >>> ColumnMapping(order_id="id").columns()
        {'customer_id': 'customer_id', 'date': 'date', 'amount': 'amount', 'order_id': 'id'}
        """
        mapped = {name: getattr(self, name) for name in REQUIRED}
        mapped.update({name: getattr(self, name) for name in OPTIONAL if getattr(self, name)})
        return mapped

    def resolve(self, header: list[str], file: str) -> dict[str, str]:
        """Field → file column, checked against a file's header.

        Optional fields not mapped are taken when the file has a column of their
        own name.

        Parameters
        ----------
        header : list of str
            The file's column names.
        file : str
            The file's name, for the error message.

        Returns
        -------
        dict

        Raises
        ------
        DataError
            If a mapped column is not in the file; the message names the field, the
            column and the file's columns.

        Examples
        --------
        >>> header = ["customer_id", "date", "total", "channel"]
        >>> ColumnMapping(amount="total").resolve(header, "f.csv")
        {'customer_id': 'customer_id', 'date': 'date', 'amount': 'total', 'channel': 'channel'}
        >>> ColumnMapping().resolve(["id", "date", "amount"], "f.csv")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        survey.errors.DataError: f.csv: no column 'customer_id' for customer_id (map it with ...
        """
        mapped = self.columns()
        for name in OPTIONAL:
            if name not in mapped and name in header:
                mapped[name] = name
        for name, column in mapped.items():
            if column not in header:
                option = "--" + ("customer" if name == "customer_id" else name.replace("_", "-"))
                raise DataError(
                    f"{file}: no column {preview(column)} for {name} (map it with {option} COL or "
                    f"{name}: in --mapping); columns: {header}"
                )
        return {name: mapped[name] for name in COLUMNS if name in mapped}


def _positive_number(value: object, key: str, source: str) -> float:
    """A positive finite number from YAML (``1e12`` is text in YAML 1.1, so texts too)."""
    try:
        number = float(str(value)) if not isinstance(value, bool) else float("nan")
    except ValueError:
        number = float("nan")
    if not 0 < number < float("inf"):
        raise DataError(f"{source}: {key}: {preview(value)}; allowed: a positive number")
    return number


def load_mapping(path: str | Path) -> ColumnMapping:
    r"""Read a YAML column mapping (module docstring).

    Parameters
    ----------
    path : str or Path
        The YAML file.

    Returns
    -------
    ColumnMapping

    Raises
    ------
    DataError
        If the file is missing, not YAML, not a mapping of keys to column names, or
        has an unknown key.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "map.yaml"
    >>> _ = p.write_text("customer_id: client\ndate_format: '%Y%m%d'\n")
    >>> load_mapping(p).date_format
    '%Y%m%d'
    """
    path = Path(path)
    if not path.exists():
        raise DataError(f"{path}: no such mapping file")
    try:
        data = load_yaml_file(path)
    except YamlError as err:
        raise DataError(f"{path}: not a readable YAML mapping ({err.problem})") from None
    if not isinstance(data, dict):
        raise DataError(
            f"{path}: a mapping file is 'field: column' lines; allowed fields: {list(MAPPING_KEYS)}"
        )
    return ColumnMapping.from_dict(data, source=str(path))


def mapping_fields() -> list[str]:
    """The fields of :class:`ColumnMapping` that name a column, a format or a cap.

    Returns
    -------
    list of str

    Examples
    --------
    >>> mapping_fields()[-2:]
    ['date_format', 'max_amount']
    """
    return [item.name for item in fields(ColumnMapping) if item.name != "source"]
