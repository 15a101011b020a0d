-- public_register.mask_name and fold: what a citizen sees of a holder's name, and how a typed
-- name is matched (accents and case folded). Run as the web role, which calls them.
SET LOCAL ROLE cadastre_web;

DO $$
BEGIN
    ASSERT public_register.mask_name('Nguyễn Văn An') = 'N*** V*** A***',
        'each word of a person''s name keeps only its first letter';
    ASSERT public_register.mask_name('  Nguyễn   Văn An  ') = 'N*** V*** A***',
        'extra white space around and between words does not show';
    ASSERT public_register.mask_name('Hộ ông Trần Văn Bình') = 'Hộ ông T*** V*** B***',
        'a household''s "Hộ ông" is kept: it names no one';
    ASSERT public_register.mask_name('Hộ gia đình bà Lê Thị C') = 'Hộ gia đình bà L*** T*** C***',
        'a household''s "Hộ gia đình bà" is kept';
    ASSERT public_register.mask_name('hộ ông  An ') = 'hộ ông A***',
        'the household prefix is recognised in lower case too';
    ASSERT public_register.mask_name('Ông Hộ Văn Nam') = 'Ô*** H*** V*** N***',
        '"Hộ" is a prefix only at the start: elsewhere it is part of a name and masked';
    ASSERT public_register.mask_name('Công ty TNHH Mẫu') = 'C*** t*** T*** M***',
        'an organisation''s name is masked like a person''s';
    ASSERT public_register.mask_name('   ') IS NULL, 'a blank name masks to nothing';
    ASSERT public_register.mask_name(NULL) IS NULL, 'no name masks to nothing';
END
$$;

DO $$
BEGIN
    ASSERT public_register.fold('Phường Hoàn Kiếm') = 'phuong hoan kiem',
        'Vietnamese letters fold to plain lower-case Latin';
    ASSERT public_register.fold('ĐÀ NẴNG') = 'da nang', 'Đ folds to d, capitals to lower case';
    ASSERT public_register.fold(normalize('Hoàn Kiếm', NFD)) = 'hoan kiem',
        'decomposed input (NFD, as some keyboards send it) folds like composed input';
    ASSERT public_register.fold('phuong 12') = 'phuong 12', 'plain text is unchanged';
    ASSERT public_register.fold(NULL) IS NULL, 'no text folds to nothing';
END
$$;
