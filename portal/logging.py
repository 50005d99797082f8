"""A log filter that masks personal data: IIN-like 12-digit numbers and email addresses."""

import logging
import re

IIN_RE = re.compile(r"(?<!\d)\d{12}(?!\d)")
EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def mask_personal_data(text: str) -> str:
    text = IIN_RE.sub(lambda m: "********" + m.group(0)[-4:], text)
    return EMAIL_RE.sub("<email>", text)


class PersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not hide the record
            return True
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True
