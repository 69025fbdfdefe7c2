use super::*;

#[test]
fn delimiters_are_told_from_the_lines() {
    assert_eq!(detect_delimiter(b"a,b,c\n1,2,3\n").0, b',');
    assert_eq!(detect_delimiter(b"a;b;c\n1,5;2;3\n4;5,5;6\n").0, b';');
    assert_eq!(detect_delimiter(b"a\tb\n1\t2\n").0, b'\t');
    assert_eq!(detect_delimiter(b"a|b|c\n1|2|3\n").0, b'|');
    // A comma inside quotes does not count.
    assert_eq!(
        detect_delimiter(b"name;country\n\"Acme, Inc.\";US\n\"B, Ltd\";GB\n").0,
        b';'
    );
    assert_eq!(detect_delimiter(b"justone\nrow\n").0, b',');
}

#[test]
fn plain_numbers_drop_binary_noise() {
    assert_eq!(plain_number(60.00000000000001), "60");
    assert_eq!(plain_number(0.6), "0.6");
    assert_eq!(plain_number(1234567.0), "1234567");
    assert_eq!(plain_number(1.0 / 3.0), "0.3333333333333333");
    assert_eq!(plain_number(0.1 + 0.2), "0.3");
}

#[test]
fn kinds_by_first_bytes() {
    assert_eq!(kind_of(b"PK\x03\x04rest"), Kind::Zip);
    assert_eq!(
        kind_of(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
        Kind::Ole
    );
    assert_eq!(kind_of(b"supplier,buyer"), Kind::Csv);
}
