"""Back-office links and web sessions. Repositories never commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.domain.backoffice import WebLink, WebSession
from bot.domain.ports import StagedUpload
from bot.domain.store_details import StoreDetails
from bot.persistence.models import (
    PhotoRow,
    StagedUploadRow,
    StoreDetailsRow,
    WebLinkRow,
    WebSessionRow,
)
from bot.persistence.repositories.inserts import insert_or_update, insert_unless_present


class SqlWebAccessRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_link(self, link: WebLink) -> None:
        self.session.add(
            WebLinkRow(
                token_hash=link.token_hash,
                staff_id=link.staff_id,
                telegram_user_id=link.telegram_user_id,
                expires_at=link.expires_at,
            )
        )
        self.session.flush()

    def use_link(self, token_hash: str, at: datetime) -> WebLink | None:
        spent = self.session.execute(
            update(WebLinkRow)
            .where(
                WebLinkRow.token_hash == token_hash,
                WebLinkRow.used_at.is_(None),
                WebLinkRow.expires_at > at,
            )
            .values(used_at=at)
        )
        if spent.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = self.session.execute(
            select(WebLinkRow.staff_id, WebLinkRow.telegram_user_id, WebLinkRow.expires_at).where(
                WebLinkRow.token_hash == token_hash
            )
        ).one()
        return WebLink(token_hash, row.staff_id, row.telegram_user_id, row.expires_at)

    def open_session(self, session: WebSession) -> None:
        self.session.add(
            WebSessionRow(
                token_hash=session.token_hash,
                staff_id=session.staff_id,
                telegram_user_id=session.telegram_user_id,
                staff_started_at=session.staff_started_at,
                csrf=session.csrf,
                last_seen_at=session.last_seen_at,
            )
        )
        self.session.flush()

    def get_session(self, token_hash: str) -> WebSession | None:
        row = self.session.execute(
            select(WebSessionRow).where(WebSessionRow.token_hash == token_hash)
        ).scalar_one_or_none()
        if row is None:
            return None
        return WebSession(
            row.token_hash,
            row.staff_id,
            row.telegram_user_id,
            row.staff_started_at,
            row.csrf,
            row.last_seen_at,
        )

    def touch_session(self, token_hash: str, at: datetime) -> None:
        self.session.execute(
            update(WebSessionRow)
            .where(WebSessionRow.token_hash == token_hash)
            .values(last_seen_at=at)
        )

    def close_session(self, token_hash: str) -> None:
        self.session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))

    def forget_before(self, at: datetime) -> int:
        links = self.session.execute(delete(WebLinkRow).where(WebLinkRow.expires_at < at))
        sessions = self.session.execute(
            delete(WebSessionRow).where(WebSessionRow.last_seen_at < at)
        )
        return int(links.rowcount) + int(sessions.rowcount)  # type: ignore[attr-defined]


class SqlStagedUploadRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, token_hash: str, upload: StagedUpload, at: datetime) -> None:
        self.session.add(
            StagedUploadRow(
                token_hash=token_hash,
                staff_id=upload.staff_id,
                name=upload.name[:255],
                body=upload.body,
                staged_at=at,
            )
        )
        self.session.flush()

    def get(self, token_hash: str) -> StagedUpload | None:
        row = self.session.execute(
            select(StagedUploadRow.name, StagedUploadRow.body, StagedUploadRow.staff_id).where(
                StagedUploadRow.token_hash == token_hash
            )
        ).one_or_none()
        return None if row is None else StagedUpload(row.name, row.body, row.staff_id)

    def drop(self, token_hash: str) -> bool:
        staged = StagedUploadRow.token_hash == token_hash
        gone = self.session.execute(delete(StagedUploadRow).where(staged))
        return bool(gone.rowcount)  # type: ignore[attr-defined]

    def forget_before(self, at: datetime) -> int:
        gone = self.session.execute(delete(StagedUploadRow).where(StagedUploadRow.staged_at < at))
        return int(gone.rowcount)  # type: ignore[attr-defined]


class SqlPhotoRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def keep(self, sha256: str, content_type: str, body: bytes, at: datetime) -> None:
        insert_unless_present(
            self.session,
            PhotoRow.__table__,  # type: ignore[arg-type]
            sha256=sha256,
            content_type=content_type,
            body=body,
            added_at=at,
        )

    def get(self, sha256: str) -> tuple[str, bytes] | None:
        row = self.session.execute(
            select(PhotoRow.content_type, PhotoRow.body).where(PhotoRow.sha256 == sha256)
        ).one_or_none()
        return None if row is None else (row.content_type, row.body)


class SqlStoreDetailsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self) -> StoreDetails | None:
        row = self.session.get(StoreDetailsRow, 1, populate_existing=True)
        if row is None:
            return None
        return StoreDetails(
            row.hours,
            row.closed,
            row.address,
            row.phone,
            row.delivery_fee_minor,
            row.changed_at,
            row.changed_by,
        )

    def put(self, details: StoreDetails) -> None:
        insert_or_update(
            self.session,
            StoreDetailsRow.__table__,  # type: ignore[arg-type]
            {"id": 1},
            hours=details.hours,
            closed=details.closed,
            address=details.address,
            phone=details.phone,
            delivery_fee_minor=details.delivery_fee_minor,
            changed_at=details.changed_at,
            changed_by=details.changed_by,
        )
