"""The codes of roster import problems, reported by row and column (`RowIssue`); clients branch on them.

A file that cannot be read at all is one error of the root's `ErrorCode` (`unreadable_file`, `empty_file`,
`too_many_rows`), echoed as the only problem, at row 0.
"""

from __future__ import annotations

from enum import StrEnum, unique


@unique
class IssueCode(StrEnum):
    """A problem with one cell, row or header of a roster file: errors (nothing is stored) and warnings."""

    # The header.
    MISSING_COLUMN = "missing_column"  # a required column (nip, name, agency, batch) has no header
    DUPLICATE_COLUMN = "duplicate_column"  # two headers name the same column

    # Errors of a cell.
    REQUIRED = "required"  # a required cell is empty
    TOO_LONG = "too_long"  # a text longer than its column takes
    NIP_LENGTH = "nip_length"  # a NIP without 18 digits
    NIP_DIGITS = "nip_digits"  # a NIP with characters other than digits and separators
    NIP_BIRTH_DATE = "nip_birth_date"  # a NIP whose first 8 digits are no plausible birth date
    NIP_SEX = "nip_sex"  # a NIP whose 15th digit is not 1 or 2
    NIP_EXCEL_NUMBER = "nip_excel_number"  # a NIP stored as a number, which Excel cut to 15 digits
    NIP_DUPLICATE = "nip_duplicate"  # a NIP already on an earlier row of the file
    EMAIL_INVALID = "email_invalid"  # an email that is not an address
    PHONE_INVALID = "phone_invalid"  # a phone that is not an Indonesian number
    MODE_INVALID = "mode_invalid"  # a mode other than offline/luring or online/daring
    BATCH_UNKNOWN = "batch_unknown"  # a batch code the event does not have

    # Warnings: the row is imported.
    NIP_APPOINTMENT = "nip_appointment"  # a NIP whose appointment year and month are implausible
    NIP_SERIAL_ZERO = "nip_serial_zero"  # a NIP ending in 000: maybe its last digits were lost in Excel
    PHONE_MISSING_ZERO = "phone_missing_zero"  # a phone that lost its leading 0, read as 08…
    NO_ROWS = "no_rows"  # a header but no participant row
