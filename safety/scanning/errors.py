"""Errors a data owner can act on: what is wrong and what to do, never cell contents."""


class DatasetError(Exception):
    """A file the engine cannot read. ``str(error)`` is one line, safe to show to the uploader."""

    code = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class EmptyFileError(DatasetError):
    code = "empty"


class NoRowsError(DatasetError):
    code = "no_rows"


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


class EncodingError(DatasetError):
    """Text that is not in one encoding throughout, or bytes no encoding we read can hold."""

    code = "encoding"

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


class NulByteError(DatasetError):
    code = "nul_byte"

    def __init__(self, line: int):
        super().__init__(
            f"Line {line} holds a NUL character (a zero byte), which text files never contain: "
            "the export may be damaged. Export the data again and upload the new file."
        )
        self.line = line


class CellTooLargeError(DatasetError):
    code = "cell_too_large"

    def __init__(self, where: str, limit: int):
        super().__init__(
            f"{where} holds a cell longer than {limit:,} characters: shorten it or remove it, "
            "then upload the file again."
        )


class LineTooLongError(DatasetError):
    code = "line_too_long"

    def __init__(self, line: int, limit: str):
        super().__init__(
            f"Line {line} is longer than {limit}, more than any row of a spreadsheet: the file "
            "may be damaged. Export the data again and upload the new file."
        )
        self.line = line


class BlankHeaderError(DatasetError):
    code = "blank_header"


class DuplicateHeaderError(DatasetError):
    code = "duplicate_header"


class XmlEntitiesError(DatasetError):
    code = "xml_entities"


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
