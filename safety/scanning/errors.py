"""Errors a data owner can act on: what is wrong and what to do, never cell contents."""


class DatasetError(Exception):
    """A file the engine cannot read. ``str(error)`` is one line, safe to show to the uploader."""

    code = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EmptyFileError(DatasetError):
    code = "empty"


class NotASpreadsheetError(DatasetError):
    code = "not_a_spreadsheet"


class RaggedRowError(DatasetError):
    code = "ragged_row"

    def __init__(self, row: int, found: int, expected: int):
        super().__init__(
            f"Row {row} has {found} values but the header has {expected}: "
            "make every row have the same number of columns as the header."
        )
        self.row = row


class UnbalancedQuoteError(DatasetError):
    code = "unbalanced_quote"

    def __init__(self, line: int):
        super().__init__(
            f"A quote opened at line {line} is never closed: close the quote or remove it, "
            "then upload the file again."
        )
        self.line = line


class PasswordProtectedError(DatasetError):
    code = "password_protected"


class FileTooLargeError(DatasetError):
    code = "too_large"


class TooManyColumnsError(DatasetError):
    code = "too_many_columns"


class ZipBombError(DatasetError):
    code = "zip_bomb"


class MacroWorkbookError(DatasetError):
    code = "macro_workbook"


class UnknownSheetError(DatasetError):
    code = "unknown_sheet"


class UnknownColumnError(DatasetError):
    code = "unknown_column"


class HouseholdsTableError(DatasetError):
    code = "households_table"
