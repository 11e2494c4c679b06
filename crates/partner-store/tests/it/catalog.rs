//! `CatalogRows`: list prices and customers' discounts, decimals kept exactly.

use partner_domain::{
    catalog::{Discount, DiscountKind, Price},
    customers::CustomerId,
    partners::PartnerKind,
};

use crate::{backends, customer, partner};

#[tokio::test]
async fn prices_round_trip_exactly_in_catalog_order() {
    for b in backends().await {
        let price = |service: &str, spec: &str| Price {
            cloud_service_type: service.into(),
            resource_type: "hws.resource.type.vm".into(),
            resource_spec: spec.into(),
            region: "cn-north-4".into(),
            on_demand_hourly: Some("0.0000001234".parse().unwrap()),
            monthly: Some("32.20".parse().unwrap()),
            yearly: None,
        };
        let (small, large, disk) = (
            price("hws.service.type.ec2", "s6.small.1.linux"),
            Price {
                on_demand_hourly: None,
                yearly: Some("1000000000.5".parse().unwrap()),
                ..price("hws.service.type.ec2", "s6.large.2.linux")
            },
            price("hws.service.type.ebs", "SSD"),
        );
        let mut tx = b.store.write().await.unwrap();
        for p in [&small, &large, &disk] {
            assert!(tx.insert_price(p).await.unwrap(), "{}", b.name);
        }
        assert!(!tx.insert_price(&small).await.unwrap(), "{}: insert is idempotent", b.name);
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(
            tx.prices().await.unwrap(),
            vec![disk, large, small],
            "{}: prices keep 10 decimals exactly",
            b.name
        );
    }
}

#[tokio::test]
async fn discounts_round_trip_by_customer_in_id_order() {
    for b in backends().await {
        let mut tx = b.store.write().await.unwrap();
        tx.insert_partner(&partner("acme", PartnerKind::Distributor, None, 1)).await.unwrap();
        tx.insert_customer(&customer("c1", "acme", 2)).await.unwrap();
        tx.insert_customer(&customer("c2", "acme", 2)).await.unwrap();
        let discount = Discount {
            id: "d2".into(),
            customer: "c1".into(),
            kind: DiscountKind::Partner,
            rate: "0.85".parse().unwrap(),
            cloud_service_type: None,
        };
        let promotion = Discount {
            id: "d1".into(),
            kind: DiscountKind::Promotion,
            rate: "0.1234567891".parse().unwrap(),
            cloud_service_type: Some("hws.service.type.ec2".into()),
            ..discount.clone()
        };
        let other = Discount {
            id: "d3".into(),
            customer: "c2".into(),
            kind: DiscountKind::Business,
            ..discount.clone()
        };
        for d in [&discount, &promotion, &other] {
            assert!(tx.insert_discount(d).await.unwrap(), "{}", b.name);
        }
        assert!(!tx.insert_discount(&discount).await.unwrap(), "{}: insert is idempotent", b.name);
        tx.commit().await.unwrap();

        let mut tx = b.store.read().await.unwrap();
        assert_eq!(
            tx.discounts_of(&CustomerId("c1".into())).await.unwrap(),
            vec![promotion, discount],
            "{}",
            b.name
        );
        assert_eq!(tx.discounts_of(&CustomerId("c2".into())).await.unwrap(), vec![other]);
        assert_eq!(tx.discounts_of(&CustomerId("nobody".into())).await.unwrap(), vec![]);
    }
}
