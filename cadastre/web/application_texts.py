"""Texts of the online services (apply, track, the officers' queue), in Vietnamese and English;
merged into cadastre.web.i18n.MESSAGES. Refusals of the register are worded by their rule code
(sql/functions/087_applications.sql), not by matching its English text."""

from __future__ import annotations

APPLICATION_MESSAGES: dict[str, dict[str, str]] = {
    "online_services": {"vi": "Dịch vụ công trực tuyến", "en": "Online public services"},
    "online_services_lead": {
        "vi": "Nộp hồ sơ đất đai trực tuyến và theo dõi kết quả; xuất trình bản gốc khi nhận "
        "kết quả.",
        "en": "File a land application online and follow it; present the originals when you "
        "collect the result.",
    },
    "apply_online": {"vi": "Nộp hồ sơ trực tuyến", "en": "Apply online"},
    "apply_for_parcel": {"vi": "Nộp hồ sơ trực tuyến cho thửa đất này",
                         "en": "Apply online for this parcel"},
    "track_application": {"vi": "Tra cứu tình trạng hồ sơ", "en": "Track an application"},
    "service": {"vi": "Thủ tục", "en": "Service"},
    "choose_service": {"vi": "Chọn thủ tục", "en": "Choose a service"},
    "required_documents": {"vi": "Giấy tờ cần nộp", "en": "Documents required"},
    "fee": {"vi": "Phí, lệ phí", "en": "Fee"},
    "processing_time": {"vi": "Thời hạn giải quyết", "en": "Processing time"},
    "working_days": {"vi": "{days} ngày làm việc", "en": "{days} working days"},
    "not_set": {"vi": "Cơ quan chưa công bố", "en": "Not set by the office yet"},
    "dossier_kind": {"vi": "Loại biến động", "en": "The change follows"},
    "parcels_field": {"vi": "Thửa đất (xã/tờ/thửa)", "en": "Parcels (commune/sheet/number)"},
    "parcels_help": {
        "vi": "Mỗi thửa một dòng hoặc cách nhau bởi dấu phẩy, ví dụ 91001/12/45",
        "en": "One parcel a line or separated by commas, e.g. 91001/12/45",
    },
    "applicant": {"vi": "Người nộp hồ sơ", "en": "Applicant"},
    "full_name": {"vi": "Họ và tên", "en": "Full name"},
    "id_number": {"vi": "Số định danh cá nhân (CCCD, 12 chữ số)",
                  "en": "Citizen ID number (CCCD, 12 digits)"},
    "phone": {"vi": "Số điện thoại", "en": "Phone number"},
    "email": {"vi": "Thư điện tử (không bắt buộc)", "en": "E-mail (optional)"},
    "relation": {"vi": "Quan hệ với thửa đất", "en": "Relation to the parcel"},
    "note": {"vi": "Ghi chú gửi cơ quan (không bắt buộc)", "en": "Note to the office (optional)"},
    "documents": {"vi": "Tài liệu đính kèm", "en": "Documents"},
    "documents_help": {
        "vi": "PDF, JPEG hoặc PNG; tối đa {count} tệp, mỗi tệp tối đa {megabytes} MB.",
        "en": "PDF, JPEG or PNG; at most {count} files of {megabytes} MB each.",
    },
    "submit_application": {"vi": "Nộp hồ sơ", "en": "Submit"},
    "privacy_application": {
        "vi": "Thông tin cá nhân chỉ dùng để giải quyết hồ sơ, chỉ cán bộ xã/phường của thửa "
        "đất được xem, và mọi lần xem đều được ghi lại.",
        "en": "Your personal data is used only to handle the application, read only by the "
        "officers of the parcel's commune, and every read is logged.",
    },
    "receipt_title": {"vi": "Đã tiếp nhận hồ sơ", "en": "Application received"},
    "receipt_code": {"vi": "Mã hồ sơ", "en": "Receipt code"},
    "tracking_secret": {"vi": "Mã bí mật tra cứu", "en": "Tracking secret"},
    "receipt_keep": {
        "vi": "Hãy ghi lại hai mã này: mã bí mật chỉ hiển thị một lần và không thể cấp lại.",
        "en": "Write both codes down: the secret is shown only once and cannot be recovered.",
    },
    "received_on_label": {"vi": "Ngày tiếp nhận", "en": "Received on"},
    "due_on": {"vi": "Hạn giải quyết", "en": "Due date"},
    "overdue": {"vi": "Quá hạn {days} ngày làm việc", "en": "Overdue by {days} working days"},
    "on_time": {"vi": "Trong hạn", "en": "On time"},
    "status_history": {"vi": "Quá trình giải quyết", "en": "Status history"},
    "reason": {"vi": "Lý do, nội dung", "en": "Reason"},
    "track": {"vi": "Tra cứu", "en": "Track"},
    "track_help": {
        "vi": "Nhập mã hồ sơ và mã bí mật in trên giấy tiếp nhận.",
        "en": "Type the receipt code and the secret printed on your receipt.",
    },
    "attached": {"vi": "{count} tài liệu đã nộp", "en": "{count} documents attached"},
    "supplement": {"vi": "Nộp bổ sung giấy tờ", "en": "Send the documents asked for"},
    "supplement_help": {
        "vi": "Nhập lại mã bí mật và đính kèm giấy tờ cơ quan yêu cầu.",
        "en": "Type the secret again and attach the documents the office asked for.",
    },
    "supplement_done": {"vi": "Đã nhận {count} tài liệu bổ sung.",
                        "en": "{count} more documents received."},
    "privacy_officer": {
        "vi": "Trang dành cho cán bộ địa chính: có thông tin cá nhân của người nộp hồ sơ; mọi "
        "lần xem đều được ghi lại.",
        "en": "A page for land officers: it holds applicants' personal data; every read is "
        "logged.",
    },
    "privacy_tracking": {
        "vi": "Trang này chỉ hiển thị những gì người nộp đã khai (số định danh và số điện "
        "thoại được che) và trả lời của cơ quan, không có thông tin về người khác.",
        "en": "This page shows only what the applicant typed (ID and phone masked) and the "
        "office's answers, nothing about anyone else.",
    },
    "extract_result": {"vi": "Tải trích lục (PDF) thửa", "en": "Download the extract (PDF) of"},
    "back_office": {"vi": "Hồ sơ trực tuyến (cán bộ)", "en": "Online applications (officers)"},
    "queue_empty": {"vi": "Không có hồ sơ nào.", "en": "No application."},
    "accept": {"vi": "Tiếp nhận, mở hồ sơ đăng ký", "en": "Accept and open the dossier"},
    "dossier_number": {"vi": "Số hồ sơ đăng ký (mặc định: mã hồ sơ)",
                       "en": "Dossier number (default: the receipt code)"},
    "request_more": {"vi": "Yêu cầu bổ sung giấy tờ", "en": "Request documents"},
    "refuse": {"vi": "Từ chối", "en": "Refuse"},
    "result_ready_action": {"vi": "Đã có kết quả", "en": "Result ready"},
    "register_dossier": {"vi": "Hồ sơ đăng ký", "en": "Register dossier"},
    "download": {"vi": "Tải về", "en": "Download"},
    "done": {"vi": "Đã ghi nhận.", "en": "Recorded."},
    "officer_login": {
        "vi": "Cần đăng nhập bằng tài khoản cán bộ địa chính.",
        "en": "Log in with your land officer account.",
    },
    "officer_denied": {
        "vi": "Tài khoản {role} không phải tài khoản cán bộ địa chính.",
        "en": "Account {role} is not a land officer account.",
    },
    # Refusals of the web view itself
    "csrf_refused": {
        "vi": "Biểu mẫu đã hết hạn hoặc không gửi từ trang này; hãy tải lại trang và gửi lại.",
        "en": "The form expired or was not sent from this site; reload the page and send it "
        "again.",
    },
    "submissions_limited": {
        "vi": "Bạn đã gửi quá nhiều lần; vui lòng thử lại sau {seconds} giây.",
        "en": "Too many submissions; please try again in {seconds} s.",
    },
    "upload_too_large": {
        "vi": "Tệp đính kèm quá lớn (tối đa {megabytes} MB mỗi tệp); không có gì được lưu.",
        "en": "A document is too large (at most {megabytes} MB each); nothing was stored.",
    },
    "upload_too_many": {
        "vi": "Quá nhiều tệp đính kèm (tối đa {count}); không có gì được lưu.",
        "en": "Too many documents (at most {count}); nothing was stored.",
    },
    "upload_wrong_type": {
        "vi": "Tài liệu thứ {position} không phải PDF, JPEG hay PNG (xét theo nội dung tệp, không "
        "theo tên); không có gì được lưu.",
        "en": "Document {position} is not a PDF, JPEG or PNG (judged by its content, not its "
        "name); nothing was stored.",
    },
    "upload_not_multipart": {
        "vi": "Biểu mẫu phải gửi dạng multipart/form-data.",
        "en": "The form must be sent as multipart/form-data.",
    },
    "upload_malformed": {"vi": "Dữ liệu gửi lên bị hỏng; hãy gửi lại.",
                         "en": "The form arrived damaged; please send it again."},
    "upload_too_many_fields": {"vi": "Biểu mẫu có quá nhiều trường.",
                               "en": "The form has too many fields."},
    "upload_field_too_long": {"vi": "Trường “{field}” quá dài.",
                              "en": "Field “{field}” is too long."},
    "upload_field_encoding": {"vi": "Trường “{field}” không phải văn bản UTF-8.",
                              "en": "Field “{field}” is not UTF-8 text."},
    "reupload": {
        "vi": "Hãy sửa rồi đính kèm lại tài liệu: tài liệu của lần gửi bị từ chối không được lưu.",
        "en": "Correct it and attach the documents again: those of a refused submission are "
        "not kept.",
    },
    # Refusals of the register, by rule code (sql/functions/087_applications.sql)
    "refusal_application_service": {"vi": "Thủ tục không tồn tại.",
                                    "en": "There is no such service."},
    "refusal_application_kind": {"vi": "Hãy chọn loại biến động của thủ tục này.",
                                 "en": "Choose what the change follows."},
    "refusal_application_parcels": {
        "vi": "Hãy ghi từ 1 đến số thửa tối đa của thủ tục (xã/tờ/thửa).",
        "en": "Give from one parcel up to the service's maximum (commune/sheet/number).",
    },
    "refusal_application_parcel": {
        "vi": "Không có thửa đất hiện hành: {detail}.",
        "en": "No current parcel: {detail}.",
    },
    "refusal_application_communes": {
        "vi": "Các thửa thuộc nhiều xã, phường: mỗi xã, phường nộp một hồ sơ.",
        "en": "The parcels lie in several communes: file one application per commune.",
    },
    "refusal_applicant_name": {"vi": "Họ và tên không hợp lệ (2–120 ký tự).",
                               "en": "The full name is not valid (2–120 characters)."},
    "refusal_citizen_id_format": {"vi": "Số định danh cá nhân phải gồm đúng 12 chữ số.",
                                  "en": "A citizen ID has exactly 12 digits."},
    "refusal_citizen_id_province": {
        "vi": "Ba chữ số đầu của số định danh không phải mã tỉnh (001–096).",
        "en": "The first three digits of the citizen ID are not a province code (001–096).",
    },
    "refusal_citizen_id_birth": {
        "vi": "Chữ số thứ 4 (thế kỷ, giới tính) và năm sinh của số định danh không hợp lệ.",
        "en": "The 4th digit (century and sex) and the birth year of the citizen ID do not fit.",
    },
    "refusal_applicant_phone": {
        "vi": "Số điện thoại phải có 10 chữ số bắt đầu bằng 0 (hoặc +84 và 9 chữ số).",
        "en": "The phone number has 10 digits starting with 0 (or +84 and 9 digits).",
    },
    "refusal_applicant_email": {"vi": "Địa chỉ thư điện tử không hợp lệ.",
                                "en": "The e-mail address is not valid."},
    "refusal_applicant_relation": {"vi": "Hãy chọn quan hệ với thửa đất.",
                                   "en": "Choose your relation to the parcel."},
    "refusal_application_note": {"vi": "Ghi chú quá dài (tối đa 2000 ký tự).",
                                 "en": "The note is too long (at most 2000 characters)."},
    "refusal_application_documents": {"vi": "Hãy đính kèm giấy tờ của thủ tục.",
                                      "en": "Attach the documents the service requires."},
    "refusal_application_document": {"vi": "Tài liệu đính kèm không hợp lệ.",
                                     "en": "A document is not valid."},
    "refusal_application_secret": {
        "vi": "Không có hồ sơ nào khớp với mã hồ sơ và mã bí mật này.",
        "en": "No application matches this receipt code and secret.",
    },
    "refusal_application_receipt": {"vi": "Không có hồ sơ {detail}.",
                                    "en": "There is no application {detail}."},
    "refusal_application_officer": {
        "vi": "Chỉ cán bộ địa chính mới xử lý hồ sơ trực tuyến.",
        "en": "Only land officers handle online applications.",
    },
    "refusal_application_commune": {
        "vi": "Hồ sơ thuộc xã, phường khác: chỉ cán bộ của xã, phường đó được xử lý.",
        "en": "The application belongs to another commune: only its officers handle it.",
    },
    "refusal_application_state": {
        "vi": "Tình trạng hiện tại của hồ sơ không cho phép thao tác này.",
        "en": "The application's current status does not allow this.",
    },
    "refusal_application_reason": {
        "vi": "Hãy ghi rõ lý do (giấy tờ cần bổ sung, lý do từ chối).",
        "en": "Say why (the documents needed, the reason of refusal).",
    },
    "refusal_other": {"vi": "Sổ địa chính từ chối: {detail}",
                      "en": "The register refused: {detail}"},
}

APPLICATION_STATUS: dict[str, dict[str, str]] = {
    "received": {"vi": "Đã nộp, chờ tiếp nhận", "en": "Received"},
    "accepted": {"vi": "Đã tiếp nhận, đang giải quyết", "en": "Accepted, in processing"},
    "documents_requested": {"vi": "Yêu cầu bổ sung giấy tờ", "en": "More documents requested"},
    "approved": {"vi": "Đã được duyệt", "en": "Approved"},
    "refused": {"vi": "Bị từ chối", "en": "Refused"},
    "result_ready": {"vi": "Đã có kết quả", "en": "Result ready"},
}

RELATIONS: dict[str, dict[str, str]] = {
    "holder": {"vi": "Người sử dụng đất", "en": "Land user (holder)"},
    "buyer": {"vi": "Bên nhận chuyển nhượng", "en": "Buyer"},
    "donee": {"vi": "Bên được tặng cho", "en": "Recipient of a gift"},
    "heir": {"vi": "Người thừa kế", "en": "Heir"},
    "representative": {"vi": "Người được ủy quyền", "en": "Authorised representative"},
    "other": {"vi": "Khác", "en": "Other"},
}

DOSSIER_KINDS: dict[str, dict[str, str]] = {
    "sale": {"vi": "Chuyển nhượng", "en": "Sale"},
    "gift": {"vi": "Tặng cho", "en": "Gift"},
    "inheritance": {"vi": "Thừa kế", "en": "Inheritance"},
    "certificate_reissue": {"vi": "Cấp lại Giấy chứng nhận", "en": "Certificate re-issue"},
    "correction": {"vi": "Đính chính", "en": "Correction"},
}
