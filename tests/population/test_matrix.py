"""access_matrix: one decision per identity × action × own resource, and reach into
other identities' resources."""

from __future__ import annotations

from _population_support import PHOTO_APP, POOLS, PRIVATE

from policy_eval.population import access_matrix

PHOTOS = "arn:aws:s3:::example-photo-app-media/private/${sub}/photo.jpg"


def test_rows_cover_every_identity_action_and_template():
    matrix = access_matrix(POOLS / "notes-app.json", [PRIVATE], n=3)
    rows = list(matrix.rows())
    assert len(rows) == 12 * 3          # 4 paths × 3 identities × 3 actions
    by_path = {(r["role_path"], r["action"]): r["decision"] for r in rows}
    assert by_path[("guest", "s3:GetObject")] == "implicit_deny"
    assert by_path[("userpool-4f6h/no-rule", "s3:PutObject")] == "allow"
    allowed = [r for r in rows if r["decision"] == "allow"]
    assert all(r["statements"][0]["sid"] == "ReadWriteOwnNotes" for r in allowed)
    assert all(r["others_reached"] == 0 for r in rows)


def test_moderators_reach_others_photos_in_the_summary():
    matrix = access_matrix(PHOTO_APP, [PHOTOS], actions=["s3:GetObject", "s3:DeleteObject"],
                           n=2)
    summary = {(s["role_path"], s["action"]): s for s in matrix.summary()}
    moderators = summary[("userpool-6k2r/rule-3", "s3:GetObject")]
    assert moderators["own_allowed"] == 2 and moderators["others_allowed"] == 2
    # the moderator boundary stops DeleteObject, on their own photos too
    assert summary[("userpool-6k2r/rule-3", "s3:DeleteObject")]["own_allowed"] == 0
    assert summary[("userpool-6k2r/no-rule", "s3:GetObject")]["others_allowed"] == 0
    assert summary[("guest", "s3:GetObject")]["own_allowed"] == 0
