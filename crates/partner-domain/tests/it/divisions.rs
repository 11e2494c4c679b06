//! The division lists: who may read them, the language, the codes, paging, and the embedded data.

use partner_domain::{
    Timestamp,
    divisions::{
        DIVISION_PAGES, Division, DivisionDataError, DivisionError, DivisionReader, Divisions,
        EMBEDDED, Language, may_list_divisions,
    },
    paging::{Page, PageError, Paged},
    partners::{Partner, PartnerError, PartnerId, PartnerKind},
};

const SMALL: &str = "\
# a comment
130000\t\t河北省\tHebei
130100\t130000\t石家庄市\tShijiazhuang
130102\t130100\t长安区
130104\t130100\t桥西区\tQiaoxi
130600\t130000\t保定市
110000\t\t北京市
110100\t110000\t市辖区
110101\t110100\t东城区
";

fn small() -> Divisions {
    Divisions::parse(SMALL).unwrap()
}

fn all() -> Page {
    DIVISION_PAGES.page(None, Some(1000)).unwrap()
}

fn listed(divisions: &[Division]) -> Vec<(&str, &str)> {
    divisions.iter().map(|d| (d.code.as_str(), d.name.as_str())).collect()
}

fn partner(kind: PartnerKind) -> Partner {
    Partner {
        id: PartnerId("p".into()),
        name: "p".into(),
        kind,
        parent: None,
        email: None,
        mobile_phone: None,
        associated_on: Timestamp::from_millis(0),
        xaccount_types: vec![],
        realname_attachments: true,
    }
}

#[test]
fn who_may_list_divisions() {
    let refused = |kind: &'static str| Err(PartnerError::OperationNotOpenToPartnerKind { kind });
    let cases = [
        (DivisionReader::Customer, Ok(())),
        (DivisionReader::Partner(&partner(PartnerKind::Distributor)), Ok(())),
        (DivisionReader::Partner(&partner(PartnerKind::SolutionProvider)), Ok(())),
        (DivisionReader::Partner(&partner(PartnerKind::Reseller)), refused("reseller")),
    ];
    for (reader, expected) in cases {
        assert_eq!(may_list_divisions(reader), expected, "{reader:?}");
    }
}

#[test]
fn the_language_header() {
    let cases = [
        (None, Ok(Language::Chinese)),
        (Some(""), Ok(Language::Chinese)),
        (Some("zh_cn"), Ok(Language::Chinese)),
        (Some("ZH_CN"), Ok(Language::Chinese)),
        (Some("en_us"), Ok(Language::English)),
        (Some("en_US"), Ok(Language::English)),
        (Some("zh-CN"), Err(DivisionError::UnknownLanguage)),
        (Some("fr_fr"), Err(DivisionError::UnknownLanguage)),
    ];
    for (header, expected) in cases {
        assert_eq!(Language::from_code(header), expected, "{header:?}");
    }
}

#[test]
fn codes_have_the_apis_shape() {
    let divisions = small();
    let provinces = divisions.provinces(Language::Chinese, all());
    assert_eq!(listed(&provinces.rows), [("CN-11", "北京市"), ("CN-13", "河北省")]);
    let cities = divisions.cities("CN-13", Language::Chinese, all()).unwrap();
    assert_eq!(listed(&cities.rows), [("CN-13-001", "石家庄市"), ("CN-13-006", "保定市")]);
    let counties = divisions.counties("CN-13-001", Language::Chinese, all()).unwrap();
    assert_eq!(listed(&counties.rows), [("CN-13-001-02", "长安区"), ("CN-13-001-04", "桥西区")]);
    let beijing = divisions.counties("CN-11-001", Language::Chinese, all()).unwrap();
    assert_eq!(listed(&beijing.rows), [("CN-11-001-01", "东城区")]);
}

#[test]
fn a_list_holds_only_the_parents_own_children() {
    let divisions = small();
    let empty = |page: Result<Paged<Division>, DivisionError>| {
        let page = page.unwrap();
        assert_eq!((page.total, page.rows), (0, vec![]));
    };
    empty(divisions.cities("CN-99", Language::Chinese, all()));
    empty(divisions.cities("130000", Language::Chinese, all())); // GB/T's own code is not the API's
    empty(divisions.cities("CN-13-001", Language::Chinese, all())); // a city has counties, not cities
    empty(divisions.counties("CN-13", Language::Chinese, all())); // a province's are cities
    empty(divisions.counties("CN-13-006", Language::Chinese, all())); // a city with none listed
    empty(divisions.counties("cn-13-001", Language::Chinese, all())); // codes are exact
    assert_eq!(
        divisions.cities("", Language::Chinese, all()),
        Err(DivisionError::ProvinceCodeRequired)
    );
    assert_eq!(
        divisions.counties("", Language::Chinese, all()),
        Err(DivisionError::CityCodeRequired)
    );
}

#[test]
fn english_names_where_the_data_has_them_else_chinese() {
    let divisions = small();
    let provinces = divisions.provinces(Language::English, all());
    assert_eq!(listed(&provinces.rows), [("CN-11", "北京市"), ("CN-13", "Hebei")]);
    let counties = divisions.counties("CN-13-001", Language::English, all()).unwrap();
    assert_eq!(listed(&counties.rows), [("CN-13-001-02", "长安区"), ("CN-13-001-04", "Qiaoxi")]);
}

#[test]
fn paging_by_the_models_bounds() {
    let data = Divisions::parse(EMBEDDED).unwrap();
    let page = |offset, limit| DIVISION_PAGES.page(offset, limit);
    let first = data.provinces(Language::Chinese, page(None, None).unwrap());
    assert_eq!((first.total, first.rows.len()), (31, 10));
    let second = data.provinces(Language::Chinese, page(Some(10), Some(10)).unwrap());
    assert_eq!(second.rows.first().map(|d| d.code.as_str()), Some("CN-33"));
    let past = data.provinces(Language::Chinese, page(Some(1000), Some(1000)).unwrap());
    assert_eq!((past.total, past.rows.len()), (31, 0));
    assert_eq!(page(Some(1001), None), Err(PageError::OffsetOutOfRange { max: 1000 }));
    assert_eq!(page(Some(-1), None), Err(PageError::OffsetOutOfRange { max: 1000 }));
    assert_eq!(page(None, Some(0)), Err(PageError::LimitOutOfRange { max: 1000 }));
    assert_eq!(page(None, Some(1001)), Err(PageError::LimitOutOfRange { max: 1000 }));
}

#[test]
fn malformed_data_is_refused_naming_its_line() {
    let cases = [
        ("130000\t河北省\n", 1, "fewer than three fields"),
        ("130000\t\t河北省\ta\tb\n", 1, "more than four fields"),
        ("13000\t\t河北省\n", 1, "a code is six digits"),
        ("13000x\t\t河北省\n", 1, "a code is six digits"),
        ("130000\t\t\n", 1, "a division has a name"),
        (
            "130000\t\t河北省\n130100\t130000\t石家庄市\n130100\t130000\t石家庄市\n",
            3,
            "a code is listed twice",
        ),
        ("130100\t\t石家庄市\n", 1, "the parent is not the one the code implies"),
        (
            "130000\t\t河北省\n130100\t130000\t石家庄市\n130102\t130000\t长安区\n",
            3,
            "the parent is not the one the code implies",
        ),
        ("130102\t130100\t长安区\n", 1, "the parent is not listed before its child"),
        ("130001\t\t某区\n", 1, "a county of no city"),
    ];
    for (text, line, reason) in cases {
        assert_eq!(
            Divisions::parse(text).unwrap_err(),
            DivisionDataError { line, reason },
            "{text:?}"
        );
    }
}

/// The embedded data, against what the API reference's examples answer.
#[test]
fn the_embedded_data() {
    let data = Divisions::parse(EMBEDDED).unwrap();
    let provinces = data.provinces(Language::Chinese, all());
    // "count": 31, CN-11 北京市 then CN-12 天津市: the mainland's provinces, in code order.
    assert_eq!(provinces.total, 31);
    assert_eq!(listed(&provinces.rows[..2]), [("CN-11", "北京市"), ("CN-12", "天津市")]);
    let hebei = data.cities("CN-13", Language::Chinese, all()).unwrap();
    assert!(listed(&hebei.rows).contains(&("CN-13-006", "保定市")));
    assert!(listed(&hebei.rows).contains(&("CN-13-009", "沧州市")));
    // "count": 22 for city_code=CN-13-001: Shijiazhuang without its development zones.
    let shijiazhuang = data.counties("CN-13-001", Language::Chinese, all()).unwrap();
    assert_eq!(shijiazhuang.total, 22);
    assert_eq!(listed(&shijiazhuang.rows[..1]), [("CN-13-001-02", "长安区")]);
    // A city without counties (东莞市) lists none, rather than itself.
    let dongguan = data.counties("CN-44-019", Language::Chinese, all()).unwrap();
    assert_eq!(dongguan.total, 0);
    // No list is longer than the largest page, so every division can be read.
    for province in &provinces.rows {
        let cities = data.cities(&province.code, Language::Chinese, all()).unwrap();
        assert!(cities.total > 0 && cities.total <= 1000, "{province:?}");
        for city in &cities.rows {
            let counties = data.counties(&city.code, Language::Chinese, all()).unwrap();
            assert!(counties.total <= 1000, "{city:?}");
        }
    }
}
