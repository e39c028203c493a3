//! The facts extraction produces. This is the contract between extraction and
//! its consumers (index, rules, reports): change it only together with them.
//!
//! Ranges are byte offsets into the provision's `text` (NFC, reflowed); map them
//! to the original file with `Provision::map.to_source()`.

use rasoat_model::Date;
use serde::{Deserialize, Serialize};

/// Byte range into a provision's `text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

/// Where in a clause a mention sits; rules act on operative mentions only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Context {
    /// Operative text: the clause really says it.
    Operative,
    /// Inside the quoted title of a cited document ("… về việc thông qua Đề án … đối với UBND cấp huyện").
    CitedTitle,
    /// Inside a "Căn cứ …" line.
    CanCu,
    /// Marked historic: "(cũ)", "trước đây", "trước sắp xếp", "đã kết thúc hoạt động".
    Historic,
    /// Nơi nhận block or similar distribution list.
    NoiNhan,
}

/// How a document is cited, from the citing sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CitationRole {
    /// Plain mention / implementation ("Triển khai", "Thực hiện", "theo").
    Mention,
    /// Căn cứ ban hành.
    CanCu,
    /// "… này thay thế <doc>".
    Replaces,
    /// "bãi bỏ <doc>".
    Repeals,
    /// "sửa đổi, bổ sung <doc>".
    Amends,
    /// "triển khai / thực hiện <doc>".
    Implements,
    /// "<doc> hết hiệu lực".
    DeclaresExpired,
}

impl CitationRole {
    /// The document-graph edge this role creates (`None` for plain mentions and
    /// "hết hiệu lực" declarations, which mark the target rather than link to it).
    pub fn edge_kind(self) -> Option<EdgeKind> {
        match self {
            CitationRole::Replaces => Some(EdgeKind::ThayThe),
            CitationRole::Repeals => Some(EdgeKind::BaiBo),
            CitationRole::Amends => Some(EdgeKind::SuaDoi),
            CitationRole::CanCu => Some(EdgeKind::CanCu),
            CitationRole::Implements => Some(EdgeKind::ThucHien),
            CitationRole::Mention | CitationRole::DeclaresExpired => None,
        }
    }
}

/// A citation of another document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// Type word as written: `Nghị quyết`, `Quyết định`, `Luật`.
    pub type_word: Option<String>,
    /// Number-symbol as written (after reflow): `608/QĐ-TTg`, `72/2025/QH15`, `192-KL/TW`.
    pub number: Option<String>,
    /// Normalised key that two spellings of one document share (see `normalize_number`);
    /// for laws cited by name only: `luat:<folded name>`.
    pub key: String,
    pub year: Option<i32>,
    pub date: Option<Date>,
    /// The date as written ("16/6/2025", "ngày 16 tháng 6 năm 2025").
    pub date_text: Option<String>,
    /// Issuer after "của": `Thủ tướng Chính phủ`.
    pub issuer: Option<String>,
    /// Title (trích yếu) following the citation, if written.
    pub title: Option<String>,
    /// Law name for "Luật Tổ chức chính quyền địa phương ngày 16/6/2025".
    pub law_name: Option<String>,
    pub role: CitationRole,
    pub context: Context,
    /// Range of the whole citation (type word through date/issuer).
    pub range: TextRange,
    /// Range of the quoted title, if any (mentions inside it are `CitedTitle`).
    pub title_range: Option<TextRange>,
    /// Registry key this citation resolves to (a law cited by name and date → its number key).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_key: Option<String>,
    /// Province named in the citation's issuer ("của HĐND tỉnh Trà Vinh" → `Vĩnh Long`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
}

/// A reference to a part: "điểm a khoản 2 Điều 5 của Luật này", "mục III", "phụ lục kèm theo Kế hoạch này".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartRef {
    pub text: String,
    /// Target provision ids (one per listed part: "các khoản 2, 3 Điều 14" gives two).
    pub targets: Vec<String>,
    /// True when it refers to this document ("… này", or no document named).
    pub internal: bool,
    /// Key of the other document when it names one.
    pub document_key: Option<String>,
    /// Whether every target exists (filled when the target document is known).
    pub resolved: Option<bool>,
    /// Refers to an appendix (Phụ lục).
    pub appendix: bool,
    pub range: TextRange,
}

/// Level of an agency in the two-tier system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Central,
    Province,
    Commune,
    /// Abolished district level (ended 01/7/2025).
    District,
    /// Outside the People's Committee hierarchy: MTTQ, HĐND, Party, courts, procuracy.
    Outside,
}

/// An agency named in a clause (longest gazetteer match).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencyMention {
    /// Gazetteer id (`so-tu-phap`, `ubnd-cap-xa`, `ubnd-cap-huyen`).
    pub id: String,
    /// Canonical name (`Sở Tư pháp`).
    pub name: String,
    /// Text as written.
    pub surface: String,
    pub level: Level,
    /// A collective ("các sở, ban, ngành", "UBND các xã, phường") rather than one body.
    pub collective: bool,
    /// Renamed/merged in 2025: the successor ids and the date (`Sở Kế hoạch và Đầu tư` → `so-tai-chinh`).
    pub successors: Vec<String>,
    pub ended: Option<Date>,
    pub context: Context,
    pub range: TextRange,
    /// Office holder written before the body: "Giám đốc" (Sở …), "Thủ trưởng", "Trưởng phòng".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// Gazetteer id of the body this one belongs to (`ubnd-xa` → `ubnd-cap-xa`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
}

/// A named administrative unit: "xã Krông Búk", "huyện M'Đrắk", "tỉnh Phú Yên".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaceMention {
    /// Unit type as canonical word: `tỉnh`, `thành phố`, `huyện`, `quận`, `thị xã`, `thị trấn`, `xã`, `phường`, `đặc khu`.
    pub unit: String,
    /// Name as written (`Krông Búk`).
    pub name: String,
    /// Folded key: `huyen krong buk`.
    pub key: String,
    /// Level of the unit (district for huyện/quận/thị xã/thành phố thuộc tỉnh).
    pub level: Level,
    /// The unit no longer exists (district level, thị trấn, the 29 merged provinces, Thừa Thiên Huế).
    pub abolished: bool,
    pub ended: Option<Date>,
    /// Successor unit for merged provinces (`tỉnh Đắk Lắk`).
    pub successor: Option<String>,
    pub context: Context,
    pub range: TextRange,
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    ChuTri,
    PhoiHop,
    ThamMuu,
    ThucHien,
    ChiuTrachNhiem,
    TheoDoi,
    ThamDinh,
    KiemTra,
    QuyetDinh,
    DeNghi,
    BaoCao,
}

impl Role {
    /// The kebab-case name used in filters (`--role chu-tri`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::ChuTri => "chu-tri",
            Role::PhoiHop => "phoi-hop",
            Role::ThamMuu => "tham-muu",
            Role::ThucHien => "thuc-hien",
            Role::ChiuTrachNhiem => "chiu-trach-nhiem",
            Role::TheoDoi => "theo-doi",
            Role::ThamDinh => "tham-dinh",
            Role::KiemTra => "kiem-tra",
            Role::QuyetDinh => "quyet-dinh",
            Role::DeNghi => "de-nghi",
            Role::BaoCao => "bao-cao",
        }
    }
}

/// "Agency X has role R for task T" in one clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub agency: String,
    pub agency_name: String,
    pub level: Level,
    pub collective: bool,
    pub role: Role,
    /// Normalised task key: action + object, folded, agency/stop/role words removed
    /// ("tham dinh van ban qppl phan cap").
    pub task_key: String,
    /// The task as written.
    pub task_text: String,
    /// The subject comes from a plan heading ("1. Sở Tư pháp"), not the clause itself.
    pub implied_subject: bool,
    /// The clause carries a separating criterion (threshold, "đối với", "trừ trường hợp" ...).
    pub has_criterion: bool,
    pub context: Context,
    pub range: TextRange,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DelegationMode {
    PhanQuyen,
    PhanCap,
    UyQuyen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DelegationAct {
    Grant,
    /// "nghiên cứu, đề xuất phân cấp", "tham mưu phân cấp".
    Proposal,
    /// "không được ủy quyền tiếp".
    Prohibition,
    /// "ủy quyền lại", "phân cấp tiếp", "đã được … ủy quyền tại Quyết định số …" passed on.
    Redelegation,
    /// Mentions the topic only ("về phân cấp").
    Mention,
}

/// A phân quyền / phân cấp / ủy quyền act.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delegation {
    pub mode: DelegationMode,
    pub act: DelegationAct,
    /// Gazetteer id of the grantor (explicit, or the issuer of the document).
    pub grantor: Option<String>,
    pub grantee: Option<String>,
    /// What is delegated (folded key) and as written.
    pub scope_key: String,
    pub scope: Option<String>,
    /// Term ("đến hết ngày 31/12/2026", "thời hạn ...").
    pub term: Option<String>,
    pub context: Context,
    pub range: TextRange,
    /// Grantee as written when it is not in the gazetteer ("Trưởng phòng Quản lý năng lượng").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee_text: Option<String>,
    /// Office holder of the grantor / grantee ("Giám đốc" Sở …, "Chủ tịch" is its own agency id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantor_head: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grantee_head: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineKind {
    /// "trước ngày 01 tháng 12 hằng năm", "trước ngày 15/12".
    Before,
    /// "chậm nhất 15 ngày", "trong thời hạn 10 ngày làm việc".
    Within,
    /// "Thường xuyên", "định kỳ 6 tháng", "hằng quý".
    Frequency,
    /// "Quý II năm 2026", "năm 2026", "giai đoạn 2026-2030".
    Period,
}

/// A deadline, period or frequency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deadline {
    pub kind: DeadlineKind,
    pub text: String,
    /// Normalised value for comparison: `before:12-01/yearly`, `within:15d`, `freq:6m`, `period:2026-Q2`.
    pub value: String,
    pub range: TextRange,
}

/// A reporting duty: who reports to whom (through whom), by when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDuty {
    pub senders: Vec<String>,
    pub recipient: Option<String>,
    pub via: Option<String>,
    /// Folded key of what is reported (`ket qua thuc hien phan cap`).
    pub subject_key: String,
    /// Period part of the key (`yearly`, `6m`, `quarterly`, ``).
    pub period: String,
    pub deadline: Option<Deadline>,
    pub context: Context,
    pub range: TextRange,
}

/// All facts of one provision (own text only; children have their own).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ProvisionFacts {
    pub provision: String,
    pub citations: Vec<Citation>,
    pub part_refs: Vec<PartRef>,
    pub agencies: Vec<AgencyMention>,
    pub assignments: Vec<Assignment>,
    pub delegations: Vec<Delegation>,
    pub deadlines: Vec<Deadline>,
    pub reports: Vec<ReportDuty>,
    /// Ranges of "Căn cứ …" lines and cited titles (non-operative text).
    pub non_operative: Vec<(TextRange, Context)>,
    /// Named administrative units (communes, former districts, provinces).
    #[serde(default)]
    pub places: Vec<PlaceMention>,
    /// Agencies that are the implied subject of this clause (from a heading such as "1. Sở Tư pháp").
    #[serde(default)]
    pub implied_subjects: Vec<String>,
}

/// Kind of edge in the document graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    ThayThe,
    BaiBo,
    SuaDoi,
    CanCu,
    ThucHien,
}

/// "this document —kind→ target".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocEdge {
    pub kind: EdgeKind,
    pub target: String,
    pub target_label: String,
    pub provision: String,
    pub range: TextRange,
}

/// Facts of one document.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DocFacts {
    /// Normalised key of the document's own number (None when it has none).
    pub key: Option<String>,
    /// Province of the issuer (today's name), for the identity of local documents.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub province: Option<String>,
    /// The document's name from the registry ("Bộ luật Hình sự") when its number is known there:
    /// data-set laws carry only a number, and search needs the name a question uses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Gazetteer id of the issuer, when recognised.
    pub issuer: Option<String>,
    /// Document date D: header date, else the newest date in the body.
    pub date: Option<Date>,
    /// Whether `date` came from the header (false = inferred from the body).
    pub date_from_header: bool,
    pub provisions: Vec<ProvisionFacts>,
    pub edges: Vec<DocEdge>,
}

/// Effect status of a document on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "status")]
pub enum EffectStatus {
    InForce,
    /// Not yet in force.
    Pending {
        from: Date,
    },
    Replaced {
        by: String,
        on: Option<Date>,
    },
    Repealed {
        by: String,
        on: Option<Date>,
    },
    Expired {
        on: Date,
    },
    Unknown,
}
